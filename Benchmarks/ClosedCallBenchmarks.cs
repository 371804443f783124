using BenchmarkDotNet.Attributes;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly;

namespace CircuitDemo.Benchmarks;

/// <summary>What a breaker costs on every healthy call: a completed ValueTask, directly and through each breaker.</summary>
[MemoryDiagnoser]
public class ClosedCallBenchmarks
{
    private readonly CircuitBreaker _ours = Breakers.Ours();
    private readonly ResiliencePipeline<int> _polly = Breakers.Polly();

    [Benchmark(Baseline = true)]
    public ValueTask<int> Direct() => Breakers.Completed(1);

    [Benchmark]
    public ValueTask<int> Ours() => _ours.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);

    [Benchmark]
    public ValueTask<int> Polly() => _polly.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);
}
