using CircuitDemo.ServiceDefaults.HttpClients;
using Microsoft.Extensions.Hosting;
using Polly;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Builds what can be built when the host starts: the registry (so configured breakers and their options are
/// validated before the first request), the telemetry (so the state gauge reports them from the start) and, once each,
/// every breaker's client pipelines as the resilience handler will build them (so a value Polly refuses stops the
/// process here, not at the first call).
/// </summary>
internal sealed class CircuitBreakerStartup(CircuitBreakerRegistry registry, CircuitBreakerTelemetry telemetry, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(telemetry);
        foreach (var key in CircuitBreakerPipeline.KeysOf(registry))
        {
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
            CircuitBreakerPipeline.Build(pipeline, key, services);
            _ = pipeline.Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
