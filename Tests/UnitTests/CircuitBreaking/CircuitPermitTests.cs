namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// A permit is completed exactly once, by the breaker that issued it, and a reset starts a new period from any state:
/// no probe slot is lost for good, no count goes below zero, no call from before a reset counts after it.
/// </summary>
public class CircuitPermitTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

    [Fact]
    public void Reset_ProbeThatNeverCompletes_GivesItsSlotBack()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        _ = breaker.TryAcquire(); // a probe whose call never reports back

        breaker.Reset();
        breaker.DriveTo(clock, CircuitState.HalfOpen);

        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
    }

    [Fact]
    public void Reset_ProbeFromBeforeCompletesLate_ChangesNothingButTheCounts_AndHoldsNoSlot()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var late = breaker.TryAcquire();
        breaker.Reset();
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var current = breaker.TryAcquire();

        breaker.Complete(late, CallOutcome.Failure);

        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(CircuitDecision.Rejected, breaker.TryAcquire().Decision); // the current probe still holds the one slot
        breaker.Complete(current, CallOutcome.Success);
        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
        Assert.Throws<InvalidOperationException>(() => breaker.Complete(late, CallOutcome.Success));
    }

    [Fact]
    public void Complete_ProbeTwice_Throws_AndHalfOpenStillAdmitsOneProbeAtATime()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var probe = breaker.TryAcquire();
        breaker.Complete(probe, CallOutcome.Success); // one of the two successes that close it

        Assert.Throws<InvalidOperationException>(() => breaker.Complete(probe, CallOutcome.Success));

        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
        Assert.Equal(CircuitDecision.Rejected, breaker.TryAcquire().Decision);
        Assert.Equal(1, breaker.GetStatus().SuccessCount);
    }

    [Fact]
    public void Complete_AllowedPermitTwice_Throws_AndNoCountGoesBelowZero()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var permit = breaker.TryAcquire();
        breaker.Complete(permit, CallOutcome.Success);

        Assert.Throws<InvalidOperationException>(() => breaker.Complete(permit, CallOutcome.Success));

        var status = breaker.GetStatus();
        Assert.Equal((1L, 1L, 0L), (status.TotalRequests, status.SuccessfulRequests, status.InFlightRequests));
    }

    [Fact]
    public void Complete_PermitOfAnotherBreaker_Throws_AndChangesNeither()
    {
        var (first, clock) = TestBreakers.Create(Options, "first");
        var (second, _) = TestBreakers.Create(Options, "second");
        first.DriveTo(clock, CircuitState.HalfOpen);
        var probe = first.TryAcquire();
        _ = second.TryAcquire();
        var failedBefore = first.GetStatus().FailedRequests;

        Assert.Throws<ArgumentException>(() => second.Complete(probe, CallOutcome.Failure));

        Assert.Equal((CircuitState.HalfOpen, CircuitState.Closed), (first.State, second.State));
        Assert.Equal((failedBefore, 0L), (first.GetStatus().FailedRequests, second.GetStatus().FailedRequests));
    }

    [Fact]
    public void Reset_WhileClosed_CallsAdmittedBeforeItDoNotCountTowardTheNextStreak()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var before = Enumerable.Range(0, Options.FailureThreshold).Select(_ => breaker.TryAcquire()).ToList();

        breaker.Reset();
        foreach (var permit in before)
        {
            breaker.Complete(permit, CallOutcome.Failure);
        }

        Assert.Equal((CircuitState.Closed, 0), (breaker.State, breaker.FailureCount));
        Assert.Equal(Options.FailureThreshold, breaker.GetStatus().FailedRequests);
        breaker.Fail(Options.FailureThreshold);
        Assert.Equal(CircuitState.Open, breaker.State); // a streak after the reset still counts
    }
}
