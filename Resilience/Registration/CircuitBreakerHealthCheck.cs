using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// One breaker's health: Closed is Healthy; Open, HalfOpen and Isolated are Degraded (still HTTP 200), so a
/// tripped breaker shows on the dashboard without making this process look dead.
/// </summary>
internal sealed class CircuitBreakerHealthCheck(CircuitBreakerRegistry registry, string breakerName) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (registry.Status(breakerName) is not { } status)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Circuit breaker {breakerName} has not been used."));
        }

        var data = new Dictionary<string, object>
        {
            ["state"] = status.State.ToString(),
            ["failureCount"] = status.FailureCount,
            ["retryAfterMs"] = status.RetryAfterMs ?? 0,
        };
        var description = $"Circuit breaker {breakerName} is {status.State}.";
        if (status.Options.SlowCallDuration is { } slowCall)
        {
            data["slowCalls"] = status.SlowCalls;
            data["slowCallWindowCalls"] = status.SlowCallWindowCalls;
            description += " " + TripPolicy.SlowCallsText(status.SlowCalls, status.SlowCallWindowCalls, slowCall) + ".";
        }
        return Task.FromResult(status.State == CircuitState.Closed
            ? HealthCheckResult.Healthy(description, data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
