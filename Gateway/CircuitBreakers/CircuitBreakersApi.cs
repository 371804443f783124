using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.Security;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>The answer of <c>GET /circuit-breakers</c>.</summary>
public sealed record CircuitBreakersView(IReadOnlyList<CircuitBreakerStatus> Breakers);

/// <summary><c>GET /circuit-breakers</c> and the manual isolate and reset (admin key required).</summary>
public static class CircuitBreakersApi
{
    /// <summary>Maps the breaker endpoints.</summary>
    public static IEndpointRouteBuilder MapCircuitBreakersApi(this IEndpointRouteBuilder app)
    {
        var breakers = app.MapGroup(Paths.CircuitBreakers).WithTags("Circuit breakers");
        breakers.MapGet("/", GetAll);
        breakers.MapPost("/{name}/isolate", (string name, CircuitBreakerRegistry registry) => Control(registry, name, b => b.Isolate())).RequireAdminKey();
        breakers.MapPost("/{name}/reset", (string name, CircuitBreakerRegistry registry) => Control(registry, name, b => b.Reset())).RequireAdminKey();
        return app;
    }

    private static Ok<CircuitBreakersView> GetAll(CircuitBreakerRegistry registry) =>
        TypedResults.Ok(new CircuitBreakersView([.. registry.All.Select(b => b.GetStatus())]));

    private static Results<Ok<CircuitBreakerStatus>, ProblemHttpResult> Control(CircuitBreakerRegistry registry, string name, Action<CircuitBreaker> command)
    {
        if (registry.Find(name) is not { } breaker)
        {
            var known = string.Join(", ", registry.All.Select(b => b.Name));
            return Problems.NotFound("Unknown circuit breaker", $"There is no circuit breaker named '{name}'. Known: {known}.");
        }

        command(breaker);
        return TypedResults.Ok(breaker.GetStatus());
    }
}
