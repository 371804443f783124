using Microsoft.Extensions.Hosting;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Creates the registry and the telemetry when the host starts: configured breakers (and so their options) are
/// validated before the first request, and the state gauge reports them from the start.
/// </summary>
internal sealed class CircuitBreakerStartup(CircuitBreakerRegistry registry, CircuitBreakerTelemetry telemetry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = (registry, telemetry);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
