using Polly;
using Polly.CircuitBreaker;

namespace CircuitDemo.Benchmarks;

/// <summary>Our breaker and Polly's with equivalent settings: three failures in a row open it for a long time.</summary>
internal static class Breakers
{
    public static readonly TimeSpan LongBreak = TimeSpan.FromDays(1);

    public static CircuitBreaker Ours(TimeSpan? slowCallDuration = null) => new("bench", new CircuitBreakerOptions
    {
        SlowCallDuration = slowCallDuration,
        FailureThreshold = 3,
        FailureWindow = TimeSpan.FromSeconds(30),
        OpenDuration = LongBreak,
        MaxOpenDuration = LongBreak,
    });

    /// <summary>Our breaker as its users put it into a pipeline of their own: Polly's, with the breaker's strategy alone.</summary>
    public static ResiliencePipeline<int> InPipeline(CircuitBreaker breaker) =>
        new ResiliencePipelineBuilder<int>().AddCircuitDemoBreaker(breaker).Build();

    public static ResiliencePipeline<int> Polly() => new ResiliencePipelineBuilder<int>()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>
        {
            // Polly counts a failure ratio; a ratio of 1 over at least 3 calls is the nearest to "3 in a row".
            FailureRatio = 1.0,
            MinimumThroughput = 3,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = LongBreak,
            ShouldHandle = new PredicateBuilder<int>().Handle<InvalidOperationException>(),
        })
        .Build();

    public static ValueTask<int> Completed(int value) => ValueTask.FromResult(value);

    public static ValueTask<int> Failing(int value) => ValueTask.FromException<int>(new InvalidOperationException("failure " + value));
}
