using CircuitDemo.ServiceDefaults.HttpClients;
using Microsoft.Extensions.Hosting;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Builds what can be built when the host starts: the registry (so configured breakers and their options are
/// validated before the first request), the telemetry (so the state gauge reports them from the start) and each
/// breaker's client pipelines (so a value Polly refuses stops the process here, not at the first call).
/// </summary>
internal sealed class CircuitBreakerStartup(CircuitBreakerRegistry registry, CircuitBreakerTelemetry telemetry, CircuitBreakerPipelines? pipelines = null)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(registry);
        GC.KeepAlive(telemetry);
        pipelines?.BuildAll();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
