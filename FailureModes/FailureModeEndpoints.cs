using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.FailureModes;

/// <summary>The failure-mode switch every stub service shares, and the filter that applies it.</summary>
public static class FailureModeEndpoints
{
    /// <summary>Registers the failure-mode state.</summary>
    public static IServiceCollection AddFailureInjection(this IServiceCollection services)
    {
        services.AddSingleton<FailureModeState>();
        services.AddSingleton<FailureInjectionFilter>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Applies the failure mode to every endpoint of <paramref name="group"/> (the business endpoints).</summary>
    public static RouteGroupBuilder WithFailureInjection(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<RouteGroupBuilder, FailureInjectionFilter>();

    /// <summary>Maps <c>GET|PUT|DELETE /failure-mode</c> (writes need the admin key) and <c>GET /stats</c>.</summary>
    public static IEndpointRouteBuilder MapFailureModeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Paths.FailureMode).WithTags("Failure mode");
        group.MapGet("/", (FailureModeState state) => TypedResults.Ok(state.Current));
        group.MapPut("/", SetFailureModeAsync).RequireAdminKey();
        group.MapDelete("/", ResetFailureMode).RequireAdminKey();
        app.MapGet(Paths.Stats, (FailureModeState state) => TypedResults.Ok(new ServiceStats(state.BusinessRequests)));
        return app;
    }

    private static async Task<Results<Ok<FailureMode>, ProblemHttpResult>> SetFailureModeAsync(HttpRequest request, FailureModeState state)
    {
        var (mode, problem) = await FailureModeBody.ReadAsync(request, request.HttpContext.RequestAborted);
        if (mode is null)
        {
            return problem!;
        }

        state.Current = mode;
        return TypedResults.Ok(mode);
    }

    private static Ok<FailureMode> ResetFailureMode(FailureModeState state)
    {
        state.Current = FailureMode.None;
        return TypedResults.Ok(FailureMode.None);
    }
}
