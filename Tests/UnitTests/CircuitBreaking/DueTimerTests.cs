using Microsoft.Extensions.Time.Testing;
using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// What falls due without a call is raised on time by the breaker's own timer, in ServiceDefaults, for every host: an
/// Open circuit's turn to HalfOpen, an ejected instance's return; and a timer that fires early looks again.
/// </summary>
public sealed class DueTimerTests
{
    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options, Ejection = new() { EjectionConsecutiveFailures = 1, BaseEjectionTime = TimeSpan.FromSeconds(30) } };

    [Fact]
    public void OpenCircuit_TurnsHalfOpenWhenDue_WithNoCallAndNoReading()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        var changes = new List<CircuitStateChange>();
        guard.Breaker.StateChanged += (_, change) => changes.Add(change);
        guard.Breaker.Fail(Options.Breaker.FailureThreshold);

        clock.Advance(Options.Breaker.OpenDuration - TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.Open, changes[^1].To);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal((CircuitState.Open, CircuitState.HalfOpen, TestBreakers.Start + Options.Breaker.OpenDuration), (changes[^1].From, changes[^1].To, changes[^1].Timestamp));
    }

    [Fact]
    public void EjectedEndpoint_IsBackWhenDue_WithNoCallAndNoReading()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        var changes = new List<InstanceChange>();
        guard.Instances.Changed += (_, change) => changes.Add(change);
        guard.CallOn(Three, B, CallOutcome.Failure);

        clock.Advance(Options.Ejection.BaseEjectionTime - TimeSpan.FromMilliseconds(1));
        Assert.Equal([EndpointState.Ejected], changes.Select(c => c.State));
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([EndpointState.Ejected, EndpointState.Active], changes.Select(c => c.State));
        Assert.Equal(("ejection time over", TestBreakers.Start + Options.Ejection.BaseEjectionTime), (changes[^1].Reason, changes[^1].Timestamp));
    }

    [Fact]
    public void ATimerThatFiresEarly_LooksAgain_AndTheReturnStillComesWhenDue()
    {
        var clock = new EarlyTimers(TestBreakers.Start, early: TimeSpan.FromMilliseconds(5));
        var guard = new ServiceGuard("payment-service", Options, clock, onSubscriberError: null);
        var changes = new List<InstanceChange>();
        guard.Instances.Changed += (_, change) => changes.Add(change);
        guard.CallOn(Three, B, CallOutcome.Failure);

        // A millisecond at a time around the due time, so that the timer fires when it is 5 ms early, finds nothing
        // due, and must look again (a coarser step would carry the clock past the due time before the timer fires).
        clock.Advance(Options.Ejection.BaseEjectionTime - TimeSpan.FromMilliseconds(20));
        for (var step = 0; step < 40 && changes.Count < 2; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([EndpointState.Ejected, EndpointState.Active], changes.Select(c => c.State));
        Assert.Equal(TestBreakers.Start + Options.Ejection.BaseEjectionTime, changes[^1].Timestamp);
    }

    [Fact]
    public void NothingDue_NoTimerIsArmed()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.Call(Three, _ => CallOutcome.Success);

        Assert.Null(guard.Breaker.DueIn);
        Assert.Null(guard.Instances.DueIn);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(CircuitState.Closed, guard.Breaker.State);
    }

    /// <summary>A clock whose timers fire a little before they are due, as a coarse system timer can.</summary>
    private sealed class EarlyTimers(DateTimeOffset start, TimeSpan early) : FakeTimeProvider(start)
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new EarlyTimer(base.CreateTimer(callback, state, Early(dueTime), period), early);

        private TimeSpan Early(TimeSpan dueTime) => dueTime == Timeout.InfiniteTimeSpan || dueTime <= early ? dueTime : dueTime - early;

        private sealed class EarlyTimer(ITimer timer, TimeSpan early) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) =>
                timer.Change(dueTime == Timeout.InfiniteTimeSpan || dueTime <= early ? dueTime : dueTime - early, period);

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
