using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using CircuitDemo.ServiceDefaults.Security;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>The answer of <c>GET /circuit-breakers</c>.</summary>
public sealed record CircuitBreakersView(IReadOnlyList<ServiceBreakerStatus> Breakers);

/// <summary>
/// <c>GET /circuit-breakers</c>, one breaker explained in Markdown (<c>GET /circuit-breakers/{name}/explain</c>), and the
/// manual isolate and reset (admin key required).
/// </summary>
public static class CircuitBreakersApi
{
    /// <summary>Maps the breaker endpoints.</summary>
    public static IEndpointRouteBuilder MapCircuitBreakersApi(this IEndpointRouteBuilder app)
    {
        var breakers = app.MapGroup(Paths.CircuitBreakers).WithTags("Circuit breakers");
        breakers.MapGet("/", (CircuitBreakerRegistry registry) => TypedResults.Ok(new CircuitBreakersView(registry.Statuses())));
        breakers.MapGet("/{name}/explain", Explain);
        breakers.MapPost("/{name}/isolate", (string name, CircuitBreakerRegistry registry) => Answer(registry, name, registry.Isolate(name)))
            .RequireAdminKey();
        breakers.MapPost("/{name}/reset", (string name, CircuitBreakerRegistry registry) => Answer(registry, name, registry.Reset(name)))
            .RequireAdminKey();
        return app;
    }

    // Markdown, for a person (and for the dashboard's Explain command, which shows it as it is).
    private static Results<ContentHttpResult, ProblemHttpResult> Explain(string name, CircuitBreakerRegistry registry, TimeProvider time) =>
        registry.Status(name) is { } status
            ? TypedResults.Text(BreakerExplanation.ToMarkdown(status, time.GetUtcNow()), "text/markdown; charset=utf-8")
            : Unknown(registry, name);

    private static Results<Ok<ServiceBreakerStatus>, ProblemHttpResult> Answer(
        CircuitBreakerRegistry registry, string name, ServiceBreakerStatus? after) =>
        after is not null ? TypedResults.Ok(after) : Unknown(registry, name);

    private static ProblemHttpResult Unknown(CircuitBreakerRegistry registry, string name) =>
        Problems.NotFound(
            "Unknown circuit breaker",
            $"There is no circuit breaker named '{name}'. Known: {string.Join(", ", registry.Statuses().Select(b => b.Name))}.");
}
