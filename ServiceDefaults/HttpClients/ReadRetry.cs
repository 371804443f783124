using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>One retry of a read that failed fast, outside the breaker; only reads have it.</summary>
internal static class ReadRetry
{
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddReadRetry(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeProvider time, PollyEvents events) =>
        pipeline.AddStrategy(_ => new ReadRetryStrategy(time, events), new ReadRetryStrategy.Options());
}
