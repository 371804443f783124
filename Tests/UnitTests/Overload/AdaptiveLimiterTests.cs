using System.Threading.RateLimiting;
using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// The limiter Polly asks (docs/pattern.md, "Overload: the retry budget and the concurrency limit"): the service's
/// limit read at each acquisition, no queue, every permit back once; and the service's limit, the sum of its instances'
/// in rotation.
/// </summary>
public sealed class AdaptiveLimiterTests
{
    [Fact]
    public void OverTheLimit_ALeaseIsRefusedAtOnce_AndTheLimitIsReadAtEachAcquisition()
    {
        var limit = 2;
        using var limiter = new AdaptiveConcurrencyLimiter(() => limit);

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();
        using var third = limiter.AttemptAcquire();
        Assert.Equal((true, true, false), (first.IsAcquired, second.IsAcquired, third.IsAcquired));

        limit = 3;
        using var fourth = limiter.AttemptAcquire();
        Assert.True(fourth.IsAcquired);
        Assert.Equal((3, 0L, 1L), (limiter.InFlight, limiter.GetStatistics()!.CurrentAvailablePermits, limiter.GetStatistics()!.TotalFailedLeases));
    }

    [Fact]
    public void ALeaseDisposedTwice_GivesItsPermitBackOnce_AndARefusedOneGivesNothing()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(() => 2);
        var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();
        var refused = limiter.AttemptAcquire();

        first.Dispose();
        first.Dispose();
        refused.Dispose();

        Assert.Equal(1, limiter.InFlight);
    }

    [Fact]
    public async Task ConcurrentAcquisitions_NeverHoldMoreThanTheLimit()
    {
        using var limiter = new AdaptiveConcurrencyLimiter(() => 5);
        var most = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2000; i++)
            {
                using var lease = await limiter.AcquireAsync();
                if (lease.IsAcquired)
                {
                    InterlockedMax(ref most, limiter.InFlight);
                }
            }
        })));

        Assert.InRange(most, 1, 5);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public void TheServicesLimit_IsTheSumOfItsInstancesInRotation_AnEjectedOneTakesItsShareAway()
    {
        var (guard, _) = GuardCalls.Create(new ServiceGuardOptions { Ejection = new() { EjectionConsecutiveFailures = 1, MaxEjectionPercent = 50 } });
        guard.CallOn(Three, A, CallOutcome.Success);
        Assert.Equal(3 * ConcurrencyLimit.Initial, guard.Instances.ConcurrencyLimit);

        guard.CallOn(Three, B, CallOutcome.Failure);

        Assert.Equal(EndpointState.Ejected, guard.Status(B).State);
        Assert.Equal(2 * ConcurrencyLimit.Initial, guard.Instances.ConcurrencyLimit);
    }

    [Fact]
    public void AResetOfTheGuard_ForgetsEveryInstancesLearntLimit()
    {
        var (guard, clock) = GuardCalls.Create(new ServiceGuardOptions
        {
            Breaker = TestBreakers.Options with { FailureThreshold = 100 },
            Ejection = new() { EjectionConsecutiveFailures = 0 },
        });
        for (var i = 0; i < ConcurrencyLimit.WindowCalls; i++)
        {
            clock.Advance(ConcurrencyLimit.WindowTime / (ConcurrencyLimit.WindowCalls - 1) + TimeSpan.FromTicks(1));
            guard.CallOn(Three, A, CallOutcome.Failure, clock);
        }

        Assert.True(guard.Instances.ConcurrencyLimit < 3 * ConcurrencyLimit.Initial, $"{guard.Instances.ConcurrencyLimit}");

        guard.Reset();

        Assert.Equal(3 * ConcurrencyLimit.Initial, guard.Instances.ConcurrencyLimit);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Volatile.Read(ref target);
        }
    }
}
