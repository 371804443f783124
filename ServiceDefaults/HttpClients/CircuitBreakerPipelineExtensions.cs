using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The one resilience pipeline ServiceDefaults puts on every outgoing HttpClient.</summary>
public static class CircuitBreakerPipelineExtensions
{
    /// <summary>The name of the resilience handler (its <c>pipeline.name</c> in Polly's telemetry is the client's name, a dash, and this).</summary>
    public const string PipelineName = "circuit-breaker-pipeline";

    /// <summary>
    /// Adds Microsoft.Extensions.Http.Resilience's resilience handler with, from outside in, Polly's retry of a failed
    /// read (once; never a write, a rejection or a timeout, and never waiting on a <c>Retry-After</c>), the circuit
    /// breaker of the request's service and operation kind, and Polly's attempt timeout; inside them, the response body
    /// read whole within the attempt timeout and a size limit (and checked as JSON where the caller expects it). So a
    /// body that stalls, trickles, breaks off, is too large or is unusable is a failure the breaker counts, like a 5xx.
    /// Only the services the process declares or configures are guarded. Innermost, each attempt goes to one instance of
    /// its service, resolved by service discovery (register its providers with <c>AddServiceDiscovery()</c>) and chosen
    /// by the breaker's endpoint records: least loaded of two in rotation, an ejected one never, a retry elsewhere. Do
    /// not add service discovery's own handler as well: the breaker must see the service's name, and choose.
    /// </summary>
    public static IHttpClientBuilder AddCircuitBreakerPipeline(this IHttpClientBuilder builder)
    {
        builder.Services.AddCircuitBreakerRegistry();

        // HttpClient's own timeout must never be what ends a call (its cancellation would look like the caller's):
        // every attempt ends at its attempt timeout, and a read with its one retry within two of them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        builder.AddResilienceHandler(PipelineName, static (pipeline, context) => CircuitBreakerPipeline.Build(pipeline, context.InstanceName, context.ServiceProvider))
            .SelectPipelineBy(static services =>
            {
                var registry = services.GetRequiredService<CircuitBreakerRegistry>();
                return request => CircuitBreakerPipeline.KeyOf(request, registry);
            });
        builder.AddHttpMessageHandler(static services => new WholeResponseHandler(services.GetRequiredService<CircuitBreakerRegistry>()));

        // Service discovery resolves; the breaker's endpoint records choose (its own handler's choice is round robin).
        builder.Services.AddServiceDiscoveryCore();
        builder.Services.TryAddSingleton<ServiceInstances>();
        builder.AddHttpMessageHandler(static services => new EndpointSelectionHandler(
            services.GetRequiredService<ServiceInstances>(), services.GetRequiredService<CircuitBreakerRegistry>()));
        return builder;
    }

    /// <summary>
    /// How a call through this pipeline that threw <paramref name="exception"/> failed, by the same verdict the read
    /// retry reads. Ask only when the call's own caller has not cancelled: any other cancellation is a timeout.
    /// </summary>
    public static CallFailure FailureOf(Exception exception) => HttpOutcomeClassifier.FailureOf(exception);
}
