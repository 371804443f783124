using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

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

        // One pipeline, built once and handed straight to the resilience handler of every client. It holds no state of
        // its own (each request finds its breaker and its options in the breaker registry), so clients can share it.
        // AddResilienceHandler would fetch it from Polly's pipeline registry, whose per-call bookkeeping (reloadable
        // options, execution tracking, metric enrichment) costs about a microsecond a call and serves nothing here.
        builder.Services.TryAddKeyedSingleton(PipelineName, static (services, _) => BuildPipeline(services));
#pragma warning disable EXTEXP0001 // ResilienceHandler's constructor is marked experimental; it is the handler AddResilienceHandler itself adds.
        builder.AddHttpMessageHandler(static services =>
            new ResilienceHandler(services.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(PipelineName)));
#pragma warning restore EXTEXP0001
        return builder;
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(IServiceProvider services)
    {
        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = PipelineName,
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
        };
        pipeline.ConfigureTelemetry(services.GetRequiredService<ILoggerFactory>());
        if (pipeline.TelemetryListener is { } polly)
        {
            pipeline.TelemetryListener = new ResilienceEventsOnly(polly);
        }

        return pipeline
            .AddReadRetry()
            .AddCircuitDemoBreaker(services)
            .AddAttemptTimeout(registry)
            .AddStrategy(_ => new ResponseBodyStrategy(registry), new ResponseBodyStrategy.Options())
            .Build();
    }
}
