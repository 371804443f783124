using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.UnitTests.CircuitBreaking;

public class CircuitBreakerMemoryTests
{
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

        Assert.True(after - before < 64 * 1024, $"Retained memory grew by {after - before} bytes over a million failures.");
        Assert.Equal(50, breaker.GetStatus().StateChanges.Count);
        GC.KeepAlive(breaker);
    }
}
