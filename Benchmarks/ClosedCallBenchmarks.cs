using BenchmarkDotNet.Attributes;
using Polly;

namespace CircuitDemo.Benchmarks;

/// <summary>What a breaker costs on every healthy call: a completed ValueTask, directly and through each breaker.</summary>
[MemoryDiagnoser]
public class ClosedCallBenchmarks
{
    private readonly CircuitBreaker _ours = Breakers.Ours();
    private readonly CircuitBreaker _oursWithSlowCalls = Breakers.Ours(slowCallDuration: TimeSpan.FromSeconds(1));
    private readonly ResiliencePipeline<int> _polly = Breakers.Polly();

    [Benchmark(Baseline = true)]
    public ValueTask<int> Direct() => Breakers.Completed(1);

    [Benchmark]
    public ValueTask<int> Ours() => _ours.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);

    /// <summary>With the slow-call rule on: two clock readings per call (admission and completion).</summary>
    [Benchmark]
    public ValueTask<int> OursSlowCallRule() => _oursWithSlowCalls.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);

    [Benchmark]
    public ValueTask<int> Polly() => _polly.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);
}
