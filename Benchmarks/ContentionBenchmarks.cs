using BenchmarkDotNet.Attributes;
using Polly;

namespace CircuitDemo.Benchmarks;

/// <summary>Throughput of one shared, closed breaker with 1, 2 and 8 concurrent callers; time is per call.</summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int TotalCalls = 80_000;

    private readonly ResiliencePipeline<int> _ours = Breakers.InPipeline(Breakers.Ours());
    private readonly ResiliencePipeline<int> _polly = Breakers.Polly();

    [Params(1, 2, 8)]
    public int Callers { get; set; }

    [Benchmark(OperationsPerInvoke = TotalCalls)]
    public Task Ours() => Run(async () =>
    {
        for (var i = 0; i < TotalCalls / Callers; i++)
        {
            await _ours.ExecuteAsync(static (value, _) => Breakers.Completed(value), i);
        }
    });

    [Benchmark(OperationsPerInvoke = TotalCalls)]
    public Task Polly() => Run(async () =>
    {
        for (var i = 0; i < TotalCalls / Callers; i++)
        {
            await _polly.ExecuteAsync(static (value, _) => Breakers.Completed(value), i);
        }
    });

    private Task Run(Func<Task> caller) => Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(caller)));
}
