using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// Where each call goes: the lighter of two endpoints in rotation by latency estimate times calls in flight, a retry
/// elsewhere, a failure charged as the attempt timeout.
/// </summary>
public sealed class ChoiceTests
{
    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { AttemptTimeout = TimeSpan.FromSeconds(2) }, Ejection = new() { EjectionConsecutiveFailures = 3, LatencyDecay = TimeSpan.FromSeconds(10) } };

    [Fact]
    public void AtEqualLatency_NeverSendsToTheEndpointWithMoreCallsInFlight_WhileTheOthersHaveFewer()
    {
        var (guard, _) = GuardCalls.Create(Options);
        var held = guard.Instances.LeaseOn(Three, B);

        for (var i = 0; i < 200; i++)
        {
            var lease = guard.Instances.Lease(Three);
            Assert.NotEqual(B.Address, lease.Address);
            lease.Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
        }

        held.Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
        Assert.Equal(0, guard.Instances.Snapshot().Sum(e => e.InFlight));
    }

    [Fact]
    public void SpreadsCallsOverEveryIdleEndpoint()
    {
        var (guard, _) = GuardCalls.Create(Options);

        for (var i = 0; i < 300; i++)
        {
            guard.Call(Three, _ => CallOutcome.Success);
        }

        Assert.All(guard.Instances.Snapshot(), e => Assert.InRange(e.TotalRequests, 50, 150));
    }

    [Fact]
    public void AtEqualCallsInFlight_PrefersTheFasterEndpoint()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.CallOn(Three, A, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(5));
        guard.CallOn(Three, B, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(600));
        guard.CallOn(Three, C, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(5));

        for (var i = 0; i < 200; i++)
        {
            Assert.NotEqual(B, guard.Call(Three, _ => CallOutcome.Success, clock, TimeSpan.FromMilliseconds(5)));
        }
    }

    [Fact]
    public void ASlowEndpoint_IsTriedAgain_OnceItsEstimateHasDecayedToTheOthers()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.Warm([A, B], clock, A, B);
        guard.CallOn([A, B], A, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(5));
        guard.CallOn([A, B], B, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(600));

        // One 5 ms call a second, each to A, until B's 600 ms has decayed below A's 5 ms: ten times ln(120), about 48 s.
        var seconds = 0;
        while (guard.Call([A, B], _ => CallOutcome.Success, clock, TimeSpan.FromMilliseconds(5)) == A)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(++seconds < 60, "B was never tried again");
        }

        Assert.InRange(seconds, 45, 50);
    }

    [Fact]
    public void AFailure_IsChargedTheAttemptTimeout_SoAnInstanceThatFailsFastAttractsNoCalls()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 1000 }, Ejection = Options.Ejection with { EjectionConsecutiveFailures = 0 } });
        guard.CallOn(Three, A, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(20));
        guard.CallOn(Three, C, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(20));
        guard.CallOn(Three, B, CallOutcome.Failure, clock, TimeSpan.FromMilliseconds(1));

        Assert.Equal(Options.Breaker.AttemptTimeout.TotalMilliseconds, guard.Status(B).LatencyMs, precision: 0);
        for (var i = 0; i < 200; i++)
        {
            Assert.NotEqual(B, guard.Call(Three, _ => CallOutcome.Success, clock, TimeSpan.FromMilliseconds(20)));
        }
    }

    [Fact]
    public void TheFirstFailure_BesideEndpointsWithNoEstimateYet_LosesTheTieTheAverageMakes()
    {
        // A and C have no estimate, so each is taken at the average of the known ones: B's own, a whole attempt timeout.
        // The loads tie; the endpoint that just failed loses. (Twenty fresh services: a coin toss would pick B in a third.)
        for (var service = 0; service < 20; service++)
        {
            var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 1000 }, Ejection = Options.Ejection with { EjectionConsecutiveFailures = 0 } });
            guard.CallOn(Three, B, CallOutcome.Failure, clock, TimeSpan.FromMilliseconds(1));

            Assert.NotEqual(B, guard.Call(Three, _ => CallOutcome.Success, clock, TimeSpan.FromMilliseconds(20)));
        }
    }

    [Fact]
    public void AnEndpointNoCallHasCompletedOn_IsTakenToBeAsFastAsTheOthersAverage_SoAHungOneStopsGettingCalls()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.Warm(Three, clock, A, C);
        guard.CallOn(Three, A, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(4));
        guard.CallOn(Three, C, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(8));
        var hung = guard.Instances.LeaseOn(Three, B);

        Assert.Equal(6, guard.Status(B).LatencyMs);
        for (var i = 0; i < 200; i++)
        {
            Assert.NotEqual(B, guard.Call(Three, _ => CallOutcome.Success, clock, TimeSpan.FromMilliseconds(6)));
        }

        hung.Settle(CallOutcome.Cancelled, TimeSpan.Zero, slow: false);
    }

    [Fact]
    public void Retry_GoesToAnotherEndpointThanTheOneItFailedOn()
    {
        var (guard, _) = GuardCalls.Create(Options);

        for (var i = 0; i < 200; i++)
        {
            var first = guard.Instances.Lease(Three);
            first.Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
            var retry = guard.Instances.Lease(Three, avoid: first.Address);
            Assert.NotEqual(first.Address, retry.Address);
            retry.Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
        }
    }

    [Fact]
    public void Retry_WithOnlyTheFailedEndpointInRotation_GoesThereAgain()
    {
        var (guard, _) = GuardCalls.Create(Options);
        for (var i = 0; i < Options.Ejection.EjectionConsecutiveFailures; i++)
        {
            guard.CallOn([A, B, C, D], B, CallOutcome.Failure);
        }

        var retry = guard.Instances.Lease([A, B], avoid: A.Address);

        Assert.Equal(A.Address, retry.Address);
    }
}
