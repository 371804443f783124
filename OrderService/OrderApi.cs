using CircuitDemo.Contracts;
using CircuitDemo.FailureModes;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.OrderService;

/// <summary><c>GET /orders/user/{userId}</c>, subject to the failure mode.</summary>
public static class OrderApi
{
    private static readonly (string Item, decimal Price)[] Catalog =
        [("Keyboard", 49.90m), ("Monitor", 189.00m), ("Headphones", 79.50m), ("Desk lamp", 24.99m), ("Notebook", 3.20m), ("Chair", 229.00m)];

    /// <summary>Maps the order endpoints.</summary>
    public static IEndpointRouteBuilder MapOrderApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Paths.UserOrders).WithTags("Orders").WithFailureInjection().MapGet("/{userId}", GetOrders);
        return app;
    }

    private static Results<Ok<UserOrders>, ProblemHttpResult> GetOrders(string userId)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        var random = new Random(StableSeed.For(userId));
        var orders = Enumerable.Range(1, random.Next(0, 4)).Select(n =>
        {
            var (item, price) = Catalog[random.Next(Catalog.Length)];
            var quantity = random.Next(1, 4);
            return new Order($"ord-{userId}-{n}", item, quantity, price * quantity);
        }).ToList();
        return TypedResults.Ok(new UserOrders(userId, orders));
    }
}
