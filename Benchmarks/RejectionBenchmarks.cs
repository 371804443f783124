using BenchmarkDotNet.Attributes;
using Polly;
using Polly.CircuitBreaker;

namespace CircuitDemo.Benchmarks;

/// <summary>What a call costs while the circuit is open: each breaker in the form its users meet, and the non-throwing forms.</summary>
[MemoryDiagnoser]
public class RejectionBenchmarks
{
    private CircuitBreaker _ours = null!;
    private ResiliencePipeline<int> _oursPipeline = null!;
    private ResiliencePipeline<int> _polly = null!;

    [GlobalSetup]
    public async Task OpenBoth()
    {
        _ours = Breakers.Ours();
        _oursPipeline = Breakers.InPipeline(_ours);
        _polly = Breakers.Polly();
        for (var i = 0; i < 3; i++)
        {
            await Swallow(() => _oursPipeline.ExecuteAsync(static (v, _) => Breakers.Failing(v), i).AsTask());
            await Swallow(() => _polly.ExecuteAsync(static (v, _) => Breakers.Failing(v), i).AsTask());
        }

        if (_ours.State != CircuitDemo.Contracts.CircuitState.Open || !await PollyNonThrowing())
        {
            throw new InvalidOperationException("Both breakers must be open before measuring rejections.");
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> OursThrowing()
    {
        try
        {
            await _oursPipeline.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);
            return false;
        }
        catch (CircuitBreakerRejectedException)
        {
            return true;
        }
    }

    [Benchmark]
    public async Task<bool> PollyThrowing()
    {
        try
        {
            await _polly.ExecuteAsync(static (value, _) => Breakers.Completed(value), 1);
            return false;
        }
        catch (BrokenCircuitException)
        {
            return true;
        }
    }

    [Benchmark]
    public bool OursNonThrowing() => !_ours.TryAcquire().IsAdmitted;

    [Benchmark]
    public async Task<bool> PollyNonThrowing()
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await _polly.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is BrokenCircuitException;
    }

    private static async Task Swallow(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (InvalidOperationException)
        {
            // the failures that open the breakers
        }
    }
}
