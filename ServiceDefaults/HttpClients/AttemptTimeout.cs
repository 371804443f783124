using Polly;
using Polly.Timeout;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The per-attempt timeout, inside the breaker: a timeout is one of the breaker's failures.</summary>
internal static class AttemptTimeout
{
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddAttemptTimeout(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeSpan attemptTimeout, PollyEvents events) =>
        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            Name = PollyEvents.TimeoutStrategyName,
            Timeout = attemptTimeout,
            OnTimeout = events.OnTimeout,
        });
}
