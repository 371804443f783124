using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly;
using Polly.Timeout;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The per-attempt timeout, inside the breaker: a timeout is one of the breaker's failures.</summary>
internal static class AttemptTimeout
{
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptTimeout(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, CircuitBreakerRegistry registry) =>
        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "attempt-timeout",
            TimeoutGenerator = args => ValueTask.FromResult(RequestOptions.For(registry, args.Context).AttemptTimeout),
        });
}
