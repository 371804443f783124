using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>Ejection through the records: who is ejected, when the service's breaker hears it, and the cap.</summary>
public sealed class EjectionTests
{
    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { AttemptTimeout = TimeSpan.FromSeconds(2) }, Ejection = new() { EjectionConsecutiveFailures = 3, BaseEjectionTime = TimeSpan.FromSeconds(30), MaxEjectionTime = TimeSpan.FromSeconds(75), MaxEjectionPercent = 50 } };

    [Fact]
    public void OneBadEndpointOfThree_IsEjectedAtItsThirdFailureInARow_AndTheServiceBreakerNeverCountsIt()
    {
        var (guard, _) = GuardCalls.Create(Options);

        // B fails three times in a row while A and C answer.
        for (var i = 0; i < 3; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
            guard.CallOn(Three, i % 2 == 0 ? A : C, CallOutcome.Success);
        }

        var status = guard.Status();
        Assert.Equal((CircuitState.Closed, 0), (status.State, status.FailureCount));
        Assert.Empty(status.StateChanges);
        var b = guard.Status(B);
        Assert.Equal((EndpointState.Ejected, 3, 1, 3L, 3L, "3 consecutive failures"), (b.State, b.ConsecutiveFailures, b.Ejections, b.TotalRequests, b.FailedRequests, b.EjectionReason));
        Assert.Equal(TestBreakers.Start + Options.Ejection.BaseEjectionTime, b.EjectedUntil);
        Assert.Equal((6L, 3L), (status.TotalRequests, status.FailedRequests));
    }

    [Fact]
    public void EveryEndpointBad_TheServiceBreakerOpens_OnceEveryEndpointInRotationIsFailing()
    {
        var (guard, _) = GuardCalls.Create(Options);
        var calls = 0;

        while (guard.Breaker.State == CircuitState.Closed)
        {
            guard.Call(Three, _ => CallOutcome.Failure);
            calls++;
        }

        // A failure is the endpoint's while another endpoint has not failed yet; once every one has, each is the
        // service's (or ejects its endpoint, one of three at most). The choice of two finds the last good-looking
        // endpoint within a few calls: never the seven or more it would take to eject one first and fill the cap.
        Assert.InRange(calls, Options.Breaker.FailureThreshold, 20);
        Assert.InRange(guard.Instances.EjectedCount, 0, 1);
    }

    [Fact]
    public void EveryEndpointBad_WithALargeEjectionThreshold_StillOpensTheBreakerAsSoonAsEveryEndpointHasFailed()
    {
        var (guard, _) = GuardCalls.Create(Options with { Ejection = Options.Ejection with { EjectionConsecutiveFailures = 1000 } });

        // A and B fail: each still answers for its own failure (C has not failed). C fails: every endpoint is failing,
        // and from here each failure is the service's: the threshold of them opens the breaker.
        guard.CallOn(Three, A, CallOutcome.Failure);
        guard.CallOn(Three, B, CallOutcome.Failure);
        Assert.Equal(0, guard.Breaker.FailureCount);
        foreach (var next in new[] { C, A })
        {
            guard.CallOn(Three, next, CallOutcome.Failure);
            Assert.Equal(CircuitState.Closed, guard.Breaker.State);
        }

        guard.CallOn(Three, B, CallOutcome.Failure);
        Assert.Equal(CircuitState.Open, guard.Breaker.State);
    }

    [Fact]
    public void SingleEndpoint_IsNeverEjected_AndItsFailuresOpenTheBreakerAsWithoutEndpoints()
    {
        var (guard, _) = GuardCalls.Create(Options);

        for (var i = 0; i < Options.Breaker.FailureThreshold; i++)
        {
            Assert.Equal(CircuitState.Closed, guard.Breaker.State);
            guard.Call([A], _ => CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.Equal((EndpointState.Active, 0L), (guard.Status(A).State, guard.Instances.EjectionsRefused));
    }

    [Fact]
    public void EjectionOff_NoEndpointIsEjected_AndEveryFailureIsTheServices()
    {
        var (guard, _) = GuardCalls.Create(Options with { Ejection = Options.Ejection with { EjectionConsecutiveFailures = 0 } });

        for (var i = 0; i < Options.Breaker.FailureThreshold; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.All(guard.Instances.Snapshot(), e => Assert.Equal(EndpointState.Active, e.State));
    }

    [Fact]
    public void PercentCap_OfFourAtFiftyPercentTwoAreEjected_TheThirdBadOneStaysIn_AndItsFailuresOpenTheServiceBreaker()
    {
        var (guard, _) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 2 } });
        IReadOnlyList<ServiceInstance> four = [A, B, C, D];

        foreach (var bad in new[] { B, C })
        {
            for (var i = 0; i < Options.Ejection.EjectionConsecutiveFailures; i++)
            {
                guard.CallOn(four, bad, CallOutcome.Failure);
            }
        }

        guard.CallOn(four, D, CallOutcome.Failure);
        Assert.Equal(CircuitState.Closed, guard.Breaker.State);
        guard.CallOn(four, D, CallOutcome.Failure);

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.Equal([EndpointState.Active, EndpointState.Ejected, EndpointState.Ejected, EndpointState.Active], guard.Instances.Snapshot().Select(e => e.State));
    }

    [Fact]
    public void PercentCap_AnEjectionItRefuses_IsCountedOncePerStreak()
    {
        var (guard, _) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 100 } });

        for (var i = 0; i < Options.Ejection.EjectionConsecutiveFailures; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
        }

        for (var i = 0; i < 2 * Options.Ejection.EjectionConsecutiveFailures; i++)
        {
            guard.CallOn(Three, C, CallOutcome.Failure);
        }

        Assert.Equal((1, 1L), (guard.Instances.EjectedCount, guard.Instances.EjectionsRefused));
        Assert.Equal(1L, guard.Status().EjectionsRefused);
    }

    [Fact]
    public void PercentCapRoundsDown_OfThreeAtTwentyPercentNoneIsEjected()
    {
        var (guard, _) = GuardCalls.Create(Options with { Ejection = Options.Ejection with { MaxEjectionPercent = 20 } });

        for (var i = 0; i < Options.Breaker.FailureThreshold; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.All(guard.Instances.Snapshot(), e => Assert.Equal(EndpointState.Active, e.State));
    }
}
