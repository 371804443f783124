using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Registration;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>Puts the hand-written breaker into any Polly v8 pipeline, beside any other strategy.</summary>
public static class BreakerStrategyExtensions
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
            _ => new CircuitBreakerStrategy<T>(
                _ => breaker,
                (outcome, context) => outcome.Exception is { } exception
                    ? OutcomeClassifier.Classify(exception, context.CancellationToken)
                    : isFailure?.Invoke(outcome.Result!) == true ? CallOutcome.Failure : CallOutcome.Success,
                telemetry: null),
            new BreakerStrategyOptions());
    }

    /// <summary>
    /// Adds the breakers of an HttpClient's calls to a pipeline of your own: each request goes through the breaker of its
    /// service and operation kind (<see cref="CircuitBreakerRoute"/>), from the <see cref="CircuitBreakerRegistry"/> of
    /// <paramref name="services"/>, with telemetry. 5xx, 408 and 429 answers and exceptions are failures. The breaker
    /// alone: the instance records are the part of ServiceDefaults' own pipeline (<c>AddCircuitBreakerPipeline</c>).
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddCircuitDemoBreaker(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, IServiceProvider services)
    {
        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var telemetry = services.GetRequiredService<CircuitBreakerTelemetry>();
        return builder.AddStrategy(
            _ => new CircuitBreakerStrategy<HttpResponseMessage>(
                context => BreakerOf(registry, context),
                (outcome, context) => HttpOutcomeClassifier.Classify(outcome, context.CancellationToken),
                telemetry),
            new BreakerStrategyOptions());
    }

    // The request's breaker, once per call; none for a host this process declared no breaker for (as in ServiceDefaults'
    // own pipeline: a call to anywhere else must not create one), for a call that bypasses it, or when it is switched off.
    private static CircuitBreaker? BreakerOf(CircuitBreakerRegistry registry, ResilienceContext context)
    {
        var request = context.GetRequestMessage()
            ?? throw new InvalidOperationException("The HTTP circuit breaker strategy runs inside an HttpClient's resilience handler.");
        var key = CircuitBreakerRoute.For(request);
        return !registry.Guards(key.Service) || CircuitBreakerRoute.IsBypassed(request) || !registry.OptionsFor(key).Enabled
            ? null
            : registry.Guard(key).Breaker;
    }

    private sealed class BreakerStrategyOptions : ResilienceStrategyOptions
    {
        public BreakerStrategyOptions() => Name = "circuit-breaker";
    }
}
