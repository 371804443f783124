using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Puts the hand-written breaker into any Polly v8 pipeline, beside any other strategy.</summary>
public static class CircuitBreakerPipelineBuilderExtensions
{
    /// <summary>
    /// Adds <paramref name="breaker"/> as a strategy: an exception is a failure (except a cancellation by the caller,
    /// which is counted apart), and a result is a success unless <paramref name="isFailure"/> says otherwise. A refused
    /// call ends with <see cref="CircuitBreakerRejectedException"/> without reaching the strategies inside.
    /// </summary>
    public static ResiliencePipelineBuilder<T> AddCircuitDemoBreaker<T>(
        this ResiliencePipelineBuilder<T> builder, CircuitBreaker breaker, Func<T, bool>? isFailure = null)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.AddStrategy(
            _ => new CircuitBreakerResilienceStrategy<T>(
                _ => breaker,
                (outcome, context) => outcome.Exception is { } exception
                    ? OutcomeClassifier.Classify(exception, context.CancellationToken)
                    : isFailure?.Invoke(outcome.Result!) == true ? CallOutcome.Failure : CallOutcome.Success,
                telemetry: null),
            new CircuitDemoBreakerStrategyOptions());
    }

    /// <summary>
    /// Adds the breakers of an HttpClient's calls: each request goes through the breaker of its service and operation
    /// kind (<see cref="CircuitBreakerRoute"/>), taken from the <see cref="CircuitBreakerRegistry"/> of
    /// <paramref name="services"/>, with telemetry. 5xx, 408 and 429 answers and exceptions are failures.
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddCircuitDemoBreaker(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, IServiceProvider services)
    {
        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var telemetry = services.GetRequiredService<CircuitBreakerTelemetry>();
        return builder.AddStrategy(
            _ => new CircuitBreakerResilienceStrategy<HttpResponseMessage>(context => BreakerFor(registry, context), ClassifyHttp, telemetry),
            new CircuitDemoBreakerStrategyOptions());
    }

    /// <summary>
    /// Adds <paramref name="breaker"/> for the HTTP calls of its own service and operation kind, with telemetry: the
    /// pipelines ServiceDefaults builds per breaker (<c>CircuitBreakerPipeline</c>) choose the breaker once, not per call.
    /// </summary>
    internal static ResiliencePipelineBuilder<HttpResponseMessage> AddCircuitDemoBreaker(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, CircuitBreaker breaker, CircuitBreakerTelemetry telemetry) =>
        builder.AddStrategy(
            _ => new CircuitBreakerResilienceStrategy<HttpResponseMessage>(_ => breaker, ClassifyHttp, telemetry),
            new CircuitDemoBreakerStrategyOptions());

    // The attempt's endpoint is settled first: it decides whether a failure is the service's or its endpoint's alone.
    private static CallOutcome ClassifyHttp(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        CircuitDemo.ServiceDefaults.HttpClients.EndpointAttempt.Settle(context.GetRequestMessage(), HttpOutcomeClassifier.Classify(outcome, context.CancellationToken));

    private static CircuitBreaker? BreakerFor(CircuitBreakerRegistry registry, ResilienceContext context)
    {
        var request = context.GetRequestMessage()
            ?? throw new InvalidOperationException("The HTTP circuit breaker strategy runs inside an HttpClient's resilience handler.");
        return CircuitBreakerRoute.IsBypassed(request) ? null : registry.Get(CircuitBreakerRoute.For(request));
    }

    private sealed class CircuitDemoBreakerStrategyOptions : ResilienceStrategyOptions
    {
        public CircuitDemoBreakerStrategyOptions() => Name = "circuit-breaker";
    }
}
