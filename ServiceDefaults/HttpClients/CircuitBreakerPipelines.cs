using System.Collections.Concurrent;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Telemetry;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The resilience pipelines of every outgoing call in this process: one per breaker (service and operation kind), and
/// one per service and kind for the control-plane calls that bypass its breaker. Each is built on first use with its
/// breaker and its options as constants, so a call finds its pipeline once instead of every strategy looking up its
/// breaker and its options again. The breaker's state lives in the breaker; a pipeline holds none of its own.
/// </summary>
internal sealed class CircuitBreakerPipelines(
    CircuitBreakerRegistry registry, CircuitBreakerTelemetry telemetry, TimeProvider time, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<CircuitBreakerKey, RequestPipeline> _throughBreaker = new();
    private readonly ConcurrentDictionary<CircuitBreakerKey, RequestPipeline> _bypassingBreaker = new();

    // Polly's listener, as ConfigureTelemetry makes it (logs and Polly's meter); fed only the events of PollyEvents.
    private readonly TelemetryListener _polly = new ResiliencePipelineBuilder().ConfigureTelemetry(loggerFactory).TelemetryListener
        ?? throw new InvalidOperationException("Polly's telemetry did not configure a listener.");

    /// <summary>
    /// The pipeline of <paramref name="request"/>; null for a request to a service this process has no breaker for
    /// (one it neither declared nor configured, such as an OpenTelemetry exporter's collector): it gets nothing of ours.
    /// </summary>
    public RequestPipeline? For(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri && !registry.Guards(uri.Host)
            ? null
            : For(CircuitBreakerRoute.For(request), CircuitBreakerRoute.IsBypassed(request));

    /// <summary>
    /// Builds, now, the pipelines of every breaker that exists (through it, and bypassing it for the control plane), so
    /// that an option Polly refuses stops the process at start instead of failing the first call.
    /// </summary>
    public void BuildAll()
    {
        foreach (var breaker in registry.All)
        {
            var key = CircuitBreakerKey.FromName(breaker.Name);
            _ = For(key, bypassed: false);
            _ = For(key, bypassed: true);
        }
    }

    private RequestPipeline For(CircuitBreakerKey key, bool bypassed) =>
        bypassed
            ? _bypassingBreaker.GetOrAdd(key, k => Build(k, breaker: null, registry.OptionsFor(k)))
            : _throughBreaker.GetOrAdd(key, k =>
            {
                var breaker = registry.Get(k);
                return Build(k, breaker, breaker.Options);
            });

    // From outside in: one retry of a read that failed fast, the breaker, the attempt timeout; inside them the
    // operation itself, the request and its whole response (CircuitBreakerPipelineHandler, WholeResponse).
    private RequestPipeline Build(CircuitBreakerKey key, CircuitBreaker? breaker, CircuitBreakerOptions options)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = CircuitBreakerPipelineExtensions.PipelineName,
            InstanceName = key.Name,
            TimeProvider = time,
        };
        var events = new PollyEvents(_polly, pipeline.Name, key.Name);
        if (!key.IsWrite)
        {
            pipeline.AddReadRetry(time, events);
        }

        if (breaker is { Options.Enabled: true })
        {
            pipeline.AddCircuitDemoBreaker(breaker, telemetry);
        }

        return new RequestPipeline(pipeline.AddAttemptTimeout(options.AttemptTimeout, events).Build(), options.MaxResponseBodyBytes);
    }
}
