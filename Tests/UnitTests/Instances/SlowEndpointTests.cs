using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// A slow instance among healthy ones: its slow calls in a row eject it as failures do, and its slowness is its own,
/// never the service's slow-call rule's, while another endpoint may still be ejected and not every one is slow.
/// </summary>
public sealed class SlowEndpointTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(5);

    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { AttemptTimeout = TimeSpan.FromSeconds(2.5), SlowCallDuration = TimeSpan.FromSeconds(1.25), SlowCallRatio = 0.5, SlowCallWindow = 4 }, Ejection = new() { EjectionConsecutiveSlowCalls = 3, BaseEjectionTime = TimeSpan.FromSeconds(30) } };

    [Fact]
    public void ConsecutiveSlowCalls_EjectTheEndpoint_TheReasonSaysSo_AndItIsBackWhenItsTimeIsOver()
    {
        var (guard, clock) = GuardCalls.Create(Options);

        for (var i = 0; i < Options.Ejection.EjectionConsecutiveSlowCalls; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Success, clock, Slow);
        }

        var b = guard.Status(B);
        Assert.Equal((EndpointState.Ejected, 3, 1, "3 consecutive calls slower than 1.25 s"), (b.State, b.ConsecutiveSlowCalls, b.Ejections, b.EjectionReason));
        clock.Advance(Options.Ejection.BaseEjectionTime);
        Assert.Equal((EndpointState.Active, 0), (guard.Status(B).State, guard.Status(B).ConsecutiveSlowCalls));
    }

    [Fact]
    public void AFastCall_EndsTheSlowStreak()
    {
        var (guard, clock) = GuardCalls.Create(Options);

        foreach (var duration in new[] { Slow, Slow, Fast, Slow, Slow })
        {
            guard.CallOn(Three, B, CallOutcome.Success, clock, duration);
        }

        Assert.Equal((EndpointState.Active, 2), (guard.Status(B).State, guard.Status(B).ConsecutiveSlowCalls));
    }

    [Fact]
    public void OneSlowEndpointOfThree_ItsSlowCallsNeverReachTheServicesRule_NorOpenIt()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Ejection = Options.Ejection with { EjectionConsecutiveSlowCalls = 1000 } });

        for (var i = 0; i < 40; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Success, clock, Slow);
            guard.CallOn(Three, A, CallOutcome.Success, clock, Fast);
        }

        var status = guard.Status();
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.SlowCalls);
    }

    [Fact]
    public void EveryEndpointSlow_TheirSlowCallsReachTheServicesRule_AndOpenIt()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Ejection = Options.Ejection with { EjectionConsecutiveSlowCalls = 1000 } });

        // A and B are slow while C has not been: theirs, and left out of the window. C is slow too: from then on every
        // slow call is the service's, and the window of four, all of them slow, opens it.
        foreach (var instance in new[] { A, B, C, A, B, C })
        {
            Assert.Equal(CircuitState.Closed, guard.Breaker.State);
            guard.CallOn(Three, instance, CallOutcome.Success, clock, Slow);
        }

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.Equal("4 of 4 calls slower than 1.25 s", guard.Status().StateChanges[^1].Reason);
    }

    [Fact]
    public void EveryEndpointSlow_OneIsEjected_ThenTheOthersSlowCallsAreTheServices()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { SlowCallWindow = 20 } });

        for (var i = 0; i < 60 && guard.Breaker.State == CircuitState.Closed; i++)
        {
            guard.Call(Three, _ => CallOutcome.Success, clock, Slow);
        }

        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.Equal(1, guard.Instances.EjectedCount);
    }

    [Fact]
    public void SlowCallsWithoutTheSlowCallRule_AreNeverSlow_AndEjectNothing()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { SlowCallDuration = null } });

        for (var i = 0; i < 5; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Success, clock, Slow);
        }

        Assert.Equal((EndpointState.Active, 0), (guard.Status(B).State, guard.Status(B).ConsecutiveSlowCalls));
    }

    [Fact]
    public void ASlowSingleEndpoint_IsNeverEjected_AndItsSlowCallsAreTheServices()
    {
        var (guard, clock) = GuardCalls.Create(Options);

        for (var i = 0; i < Options.Breaker.SlowCallWindow; i++)
        {
            guard.Call([A], _ => CallOutcome.Success, clock, Slow);
        }

        Assert.Equal(EndpointState.Active, guard.Status(A).State);
        Assert.Equal(CircuitState.Open, guard.Breaker.State);
    }
}
