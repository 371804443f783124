using BenchmarkDotNet.Attributes;
using Polly;

namespace CircuitDemo.Benchmarks;

/// <summary>
/// What a breaker costs on every healthy call: a completed ValueTask, directly and through each breaker, each in a Polly
/// pipeline of its own (ours through <c>AddCircuitDemoBreaker</c>, the one way to run it outside HTTP).
/// </summary>
[MemoryDiagnoser]
public class ClosedCallBenchmarks
{
    private readonly ResiliencePipeline<int> _ours = Breakers.InPipeline(Breakers.Ours());
    private readonly ResiliencePipeline<int> _oursWithSlowCalls = Breakers.InPipeline(Breakers.Ours(slowCallDuration: TimeSpan.FromSeconds(1)));
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
