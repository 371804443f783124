namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>Runs alone: the heap is process-wide, and other tests allocating meanwhile would blur the measurement.</summary>
[CollectionDefinition(nameof(CircuitBreakerMemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(CircuitBreakerMemoryTests))]
public class CircuitBreakerMemoryTests
{
    // Anything kept per failure (a timer, a list entry: 24 bytes at the very least) would grow the heap by 24 MB or
    // more over a million failures; 1 MB leaves room for the runtime's own noise and nothing for a leak.
    private const long AllowedGrowthBytes = 1024 * 1024;
    private const int Failures = 1_000_000;

    [Fact]
    public void MillionFailuresWhileClosed_EachForgottenByTheWindow_RetainNoGrowingMemory()
    {
        // Where the original Node.js breaker kept a timer per failure (docs/contract.md, "7. What must not happen"): failures in
        // Closed that each expire before the next arrives, so the breaker never opens and every failure goes through
        // the path that records and forgets it.
        var (breaker, clock) = TestBreakers.Create(new CircuitBreakerOptions
        {
            FailureThreshold = 3,
            FailureWindow = TimeSpan.FromMilliseconds(1),
        });

        var growth = RetainedGrowth(() =>
        {
            breaker.Call(CallOutcome.Failure);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        });

        var status = breaker.GetStatus();
        Assert.Equal((CircuitState.Closed, 1_100_000L), (status.State, status.FailedRequests));
        Assert.True(growth < AllowedGrowthBytes, $"Retained memory grew by {growth} bytes over a million failures in Closed.");
    }

    [Fact]
    public void MillionFailuresWhileTripping_RejectionsAndFailedProbes_RetainNoGrowingMemory()
    {
        // Failures in Closed, rejections in Open, failed probes in HalfOpen, with the ratio rule on as well.
        var (breaker, clock) = TestBreakers.Create(new CircuitBreakerOptions
        {
            FailureThreshold = 1000,
            OpenDuration = TimeSpan.FromSeconds(1),
            FailureRatio = 0.9,
            MinimumThroughput = 100,
        });
        var calls = 0;

        var growth = RetainedGrowth(() =>
        {
            breaker.Call(CallOutcome.Failure);
            if (++calls % 1000 == 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(500));
            }
        });

        Assert.True(growth < AllowedGrowthBytes, $"Retained memory grew by {growth} bytes over a million failures.");
        Assert.Equal(StateChangeHistory.Capacity, breaker.GetStatus().StateChanges.Count);
        GC.KeepAlive(breaker);
    }

    private static long RetainedGrowth(Action fail)
    {
        for (var i = 0; i < Failures / 10; i++)
        {
            fail(); // warm up: the bounded buffers fill
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Failures; i++)
        {
            fail();
        }

        return GC.GetTotalMemory(forceFullCollection: true) - before;
    }
}
