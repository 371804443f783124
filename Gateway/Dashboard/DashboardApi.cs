using CircuitDemo.Contracts;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.Dashboard;

/// <summary><c>GET /user-dashboard/{userId}</c>: the three services in parallel, each through its breaker, each with its fallback.</summary>
public static class DashboardApi
{
    /// <summary>Maps the dashboard endpoint.</summary>
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        // A catch-all, so that an empty id or one containing '/' is answered 400 rather than an unexplained 404.
        app.MapGet(Paths.UserDashboard + "/{**userId}", GetDashboardAsync).WithTags("Dashboard");
        return app;
    }

    private static async Task<Results<Ok<DashboardView>, ProblemHttpResult>> GetDashboardAsync(
        string? userId,
        UserServiceClient users,
        OrderServiceClient orders,
        PaymentServiceClient payments,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        var user = users.GetUserAsync(userId, cancellationToken);
        var userOrders = orders.GetOrdersAsync(userId, cancellationToken);
        var userPayments = payments.GetPaymentsAsync(userId, cancellationToken);
        await Task.WhenAll(user, userOrders, userPayments);

        var (userData, userSource) = await user;
        var (ordersData, ordersSource) = await userOrders;
        var (paymentsData, paymentsSource) = await userPayments;
        return TypedResults.Ok(new DashboardView(
            userData,
            ordersData,
            paymentsData,
            new DashboardSources(userSource, ordersSource, paymentsSource),
            time.GetUtcNow()));
    }
}
