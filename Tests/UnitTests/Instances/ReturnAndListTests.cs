using Microsoft.Extensions.Time.Testing;
using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>An ejected instance's return, a reset, a lease settled twice, and a list that changes under calls in flight.</summary>
public sealed class ReturnAndListTests
{
    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { AttemptTimeout = TimeSpan.FromSeconds(2) }, Ejection = new() { EjectionConsecutiveFailures = 3, BaseEjectionTime = TimeSpan.FromSeconds(30), MaxEjectionTime = TimeSpan.FromSeconds(75), MaxEjectionPercent = 50 } };

    [Fact]
    public void EjectedEndpoint_IsBackWhenItsTimeIsOver_WithItsStreakCleared_AndEachEjectionLastsLongerUpToTheCap()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        var changes = new List<InstanceChange>();
        guard.Instances.Changed += (_, change) => changes.Add(change);

        TimeSpan[] expected = [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(75)];
        foreach (var time in expected)
        {
            var ejectedAt = EjectB(guard, clock);
            Assert.Equal(ejectedAt + time, guard.Status(B).EjectedUntil);

            clock.Advance(time - TimeSpan.FromMilliseconds(1));
            Assert.Equal(EndpointState.Ejected, guard.Status(B).State);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var b = guard.Status(B);
            Assert.Equal((EndpointState.Active, 0, (DateTimeOffset?)null, (string?)null), (b.State, b.ConsecutiveFailures, b.EjectedUntil, b.EjectionReason));
        }

        Assert.Equal(
            [EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active],
            changes.Select(c => c.State));
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4], changes.Select(c => c.Ejections));
        Assert.All(changes, c => Assert.Equal((B.Name, "http://localhost:3013"), (c.Name, c.Address)));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), changes.Select(c => c.Sequence));
    }

    [Fact]
    public void Reset_BringsEveryEndpointBack_AndForgetsTheGrowthOfTheEjectionTime()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        EjectB(guard, clock);
        clock.Advance(Options.Ejection.BaseEjectionTime);
        EjectB(guard, clock);
        Assert.Equal(2, guard.Status(B).Ejections);

        guard.Reset();

        var b = guard.Status(B);
        Assert.Equal((EndpointState.Active, 0, 0), (b.State, b.ConsecutiveFailures, b.Ejections));
        var ejectedAt = EjectB(guard, clock);
        Assert.Equal(ejectedAt + Options.Ejection.BaseEjectionTime, guard.Status(B).EjectedUntil);
    }

    [Fact]
    public void StaleEjection_WhoseTimeIsOverUnread_NoLongerFillsTheCap()
    {
        // Three endpoints: the cap is one. B is out; A's call is in flight when B's time is over, and nothing has read
        // the records since, not even the due timer (its thread has not run yet): A's failure must find B back, so that
        // A may be ejected still, and the breaker hears nothing.
        var clock = new TimersNotRunYet(TestBreakers.Start);
        var guard = new ServiceGuard("payment-service", Options with { Breaker = Options.Breaker with { FailureThreshold = 1 } }, clock, onSubscriberError: null);
        EjectB(guard, clock);
        var permit = guard.Breaker.TryAcquire();
        var onA = guard.Instances.LeaseOn(Three, A);

        clock.Advance(Options.Ejection.BaseEjectionTime);
        var counted = onA.Settle(CallOutcome.Failure, TimeSpan.FromMilliseconds(5), slow: false);
        guard.Breaker.Complete(permit, counted.Outcome, counted.Slow);

        Assert.Equal(CallOutcome.Excused, counted.Outcome);
        Assert.Equal(CircuitState.Closed, guard.Breaker.State);
    }

    [Fact]
    public void FailureOfACallInFlightWhenItsEndpointWasEjected_IsExcused()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 1 } });
        var permit = guard.Breaker.TryAcquire();
        var late = guard.Instances.LeaseOn(Three, B);
        EjectB(guard, clock);

        var counted = late.Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);
        guard.Breaker.Complete(permit, counted.Outcome, counted.Slow);

        Assert.Equal(CallOutcome.Excused, counted.Outcome);
        Assert.Equal(CircuitState.Closed, guard.Breaker.State);
        Assert.Equal(4, guard.Status(B).FailedRequests);
    }

    [Fact]
    public void Lease_SettledTwice_CountsOnce()
    {
        var (guard, _) = GuardCalls.Create(Options);
        var lease = guard.Instances.Lease(Three);

        lease.Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);
        lease.Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);

        Assert.Equal((1L, 0), (guard.Instances.Snapshot().Sum(e => e.FailedRequests), guard.Instances.Snapshot().Sum(e => e.InFlight)));
    }

    [Fact]
    public void ListChanges_TheNewListIsTracked_AKeptEndpointKeepsItsRecord_AndANewOneStartsAtTheOthersAverageLatency()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        EjectB(guard, clock);

        guard.CallOn([B, C, D], C, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(40));

        var endpoints = guard.Instances.Snapshot();
        Assert.Equal([B.Name, C.Name, D.Name], endpoints.Select(e => e.Name));
        Assert.Equal((EndpointState.Ejected, 3), (endpoints[0].State, endpoints[0].ConsecutiveFailures));
        Assert.Equal(40, endpoints[1].LatencyMs);
        Assert.Equal(40, endpoints[2].LatencyMs);
    }

    [Fact]
    public void ListShrinksToOneEjectedEndpoint_ItIsBack_AndItsFailuresReachTheBreaker()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        EjectB(guard, clock);

        for (var i = 0; i < Options.Breaker.FailureThreshold; i++)
        {
            guard.Call([B], _ => CallOutcome.Failure);
        }

        Assert.Equal(EndpointState.Active, guard.Status(B).State);
        Assert.Equal(CircuitState.Open, guard.Breaker.State);
    }

    [Fact]
    public void ResultOfARemovedEndpoint_CountsForTheServiceAlone_AndEjectsNothing()
    {
        var (guard, _) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { FailureThreshold = 3 } });
        var changes = new List<InstanceChange>();
        guard.Instances.Changed += (_, change) => changes.Add(change);
        var inFlight = Enumerable.Range(0, 3).Select(_ => (Permit: guard.Breaker.TryAcquire(), Lease: guard.Instances.LeaseOn(Three, B))).ToList();

        guard.Call([A, C], _ => CallOutcome.Success);
        foreach (var (permit, lease) in inFlight)
        {
            var counted = lease.Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);
            Assert.Equal(CallOutcome.Failure, counted.Outcome);
            guard.Breaker.Complete(permit, counted.Outcome, counted.Slow);
        }

        Assert.Empty(changes);
        Assert.Equal(CircuitState.Open, guard.Breaker.State);
        Assert.Equal([A.Name, C.Name], guard.Instances.Snapshot().Select(e => e.Name));
    }

    // Fails B three times in a row (through keys it owns) and returns when it was ejected.
    private static DateTimeOffset EjectB(ServiceGuard guard, FakeTimeProvider clock)
    {
        for (var i = 0; i < Options.Ejection.EjectionConsecutiveFailures; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
        }

        Assert.Equal(EndpointState.Ejected, guard.Status(B).State);
        return clock.GetUtcNow();
    }

    /// <summary>A clock whose timers never run, as when the thread pool is too busy to run them yet.</summary>
    private sealed class TimersNotRunYet(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(static _ => { }, null, dueTime, period);
    }
}
