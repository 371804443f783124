using CircuitDemo.ServiceDefaults.CircuitBreaking;

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

    [Fact]
    public void MillionFailuresInARow_RetainNoGrowingMemory()
    {
        // Failures in Closed, rejections in Open, failed probes in HalfOpen: every path a failing service takes.
        var (breaker, clock) = TestBreakers.Create(new CircuitBreakerOptions
        {
            FailureThreshold = 1000,
            OpenDuration = TimeSpan.FromSeconds(1),
            FailureRatio = 0.9,
            MinimumThroughput = 100,
        });
        void FailMany(int count)
        {
            for (var i = 0; i < count; i++)
            {
                breaker.Call(CallOutcome.Failure);
                if (i % 1000 == 0)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(500));
                }
            }
        }

        FailMany(100_000); // warm up: the bounded buffers fill
        var before = GC.GetTotalMemory(forceFullCollection: true);
        FailMany(1_000_000);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(after - before < AllowedGrowthBytes, $"Retained memory grew by {after - before} bytes over a million failures.");
        Assert.Equal(50, breaker.GetStatus().StateChanges.Count);
        GC.KeepAlive(breaker);
    }
}
