using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The one resilience pipeline ServiceDefaults puts on every outgoing HttpClient.</summary>
public static class CircuitBreakerPipelineExtensions
{
    /// <summary>The name of the pipeline (its <c>pipeline.name</c> in Polly's telemetry).</summary>
    public const string PipelineName = "circuit-breaker-pipeline";

    /// <summary>
    /// Adds one resilience handler holding, from outside in: one retry of a failed read (never a write, a rejection
    /// or a timeout, and never waiting on a <c>Retry-After</c>), the circuit breaker of the request's service and
    /// operation kind, the attempt timeout, and the response body read whole within the attempt timeout and a size
    /// limit (and checked as JSON where the caller expects it). So a body that stalls, trickles, breaks off, is too
    /// large or is unusable is a failure the breaker counts, like a 5xx. Add service discovery after this, so the
    /// breaker sees the logical service name rather than a resolved address.
    /// </summary>
    public static IHttpClientBuilder AddCircuitBreakerPipeline(this IHttpClientBuilder builder)
    {
        builder.Services.AddCircuitBreakerRegistry();

        // HttpClient's own timeout must never be what ends a call (its cancellation would look like the caller's):
        // every attempt ends at its attempt timeout, and a read with its one retry within two of them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // One resilience handler per client, over pipelines built once per breaker for the whole process.
        builder.Services.TryAddSingleton<CircuitBreakerPipelines>();
        builder.AddHttpMessageHandler(static services => new CircuitBreakerPipelineHandler(services.GetRequiredService<CircuitBreakerPipelines>()));
        return builder;
    }
}
