
namespace CircuitDemo.UnitTests.CircuitBreaking;

public class CircuitBreakerTransitionTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

    [Fact]
    public void Closed_ConsecutiveFailuresReachThreshold_Opens()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        breaker.Fail(2);
        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.Fail();

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Open, status.State);
        Assert.Equal(3, status.FailureCount);
        Assert.Equal("3 consecutive failures", Assert.Single(status.StateChanges).Reason);
    }

    [Fact]
    public void Closed_FailureRatioReachedWithMinimumThroughput_Opens()
    {
        var (breaker, _) = TestBreakers.Create(Options with { FailureThreshold = 100, FailureRatio = 0.5, MinimumThroughput = 10 });

        for (var i = 0; i < 4; i++)
        {
            breaker.Succeed();
            breaker.Fail();
        }

        breaker.Succeed();
        Assert.Equal(CircuitState.Closed, breaker.State); // 4 of 9: below the ratio and the throughput
        breaker.Fail();                                     // 5 of 10: both reached

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Open, status.State);
        Assert.StartsWith("failure ratio 5/10", status.StateChanges[^1].Reason);
    }

    [Fact]
    public void Closed_FailureRatioBelowMinimumThroughput_StaysClosed()
    {
        var (breaker, _) = TestBreakers.Create(Options with { FailureThreshold = 100, FailureRatio = 0.5, MinimumThroughput = 10 });

        breaker.Fail(5);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Closed_FailureRatioOutsideSamplingWindow_IsForgotten()
    {
        var (breaker, clock) = TestBreakers.Create(Options with
        {
            FailureThreshold = 100,
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(10),
        });

        breaker.Fail(3);
        clock.Advance(TimeSpan.FromSeconds(11));
        breaker.Succeed(3);
        breaker.Fail();

        Assert.Equal(CircuitState.Closed, breaker.State); // 1 of 4 in the window, not 4 of 7
    }

    [Fact]
    public void Closed_SuccessEndsStreak()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        breaker.Fail(2);
        breaker.Succeed();
        breaker.Fail(2);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.GetStatus().FailureCount);
        Assert.Equal(2, breaker.FailureCount);
    }

    [Fact]
    public void Closed_FailuresOlderThanWindow_AreForgotten()
    {
        var (breaker, clock) = TestBreakers.Create(Options);

        breaker.Fail(2);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, breaker.GetStatus().FailureCount);
        breaker.Fail(2);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.GetStatus().FailureCount);
    }

    [Fact]
    public void Closed_OldFailureExpiresWhileStreakGoesOn_OnlyRecentOnesCount()
    {
        var (breaker, clock) = TestBreakers.Create(Options);

        breaker.Fail();                               // t = 0
        clock.Advance(TimeSpan.FromSeconds(20));
        breaker.Fail();                               // t = 20
        clock.Advance(TimeSpan.FromSeconds(20));
        breaker.Fail();                               // t = 40: the first is 40 s old

        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.Fail();                               // three within 30 s
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Open_RejectsWithRetryAfter()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.Open);
        clock.Advance(TimeSpan.FromSeconds(4));

        var permit = breaker.TryAcquire();

        Assert.Equal(CircuitDecision.Rejected, permit.Decision);
        Assert.Equal(CircuitState.Open, permit.State);
        Assert.Equal(TimeSpan.FromSeconds(6), permit.RetryAfter);
        var status = breaker.GetStatus();
        Assert.Equal(TestBreakers.Start + TimeSpan.FromSeconds(10), status.NextAttempt);
        Assert.Equal(6000, status.RetryAfterMs);
    }

    [Fact]
    public void Open_OpenDurationPassed_ReadsHalfOpenWithoutAnyCall()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.Open);
        var requestsBefore = breaker.GetStatus().TotalRequests;

        clock.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(CircuitState.Open, breaker.GetStatus().State);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.HalfOpen, status.State);
        Assert.Null(status.NextAttempt);
        Assert.Equal(requestsBefore, status.TotalRequests);
        var change = status.StateChanges[^1];
        Assert.Equal((CircuitState.Open, CircuitState.HalfOpen), (change.From, change.To));
        Assert.Equal(TestBreakers.Start + TimeSpan.FromSeconds(10), change.Timestamp);
    }

    [Fact]
    public void HalfOpen_SuccessThresholdReached_Closes()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);

        Assert.Equal(CircuitDecision.Probe, breaker.Call(CallOutcome.Success));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(1, breaker.GetStatus().SuccessCount);
        Assert.Equal(CircuitDecision.Probe, breaker.Call(CallOutcome.Success));

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.FailureCount);
        Assert.Equal("2 successful probes", status.StateChanges[^1].Reason);
    }

    [Fact]
    public void HalfOpen_OneFailedProbe_ReopensAtOnce()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { FailureThreshold = 5 });
        breaker.DriveTo(clock, CircuitState.HalfOpen);

        breaker.Call(CallOutcome.Failure);

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Open, status.State);
        Assert.Equal("probe failed", status.StateChanges[^1].Reason);
        Assert.Equal(clock.GetUtcNow() + Options.OpenDuration, status.NextAttempt);
    }

    [Fact]
    public void HalfOpen_ProbeSlotsTaken_RejectsTheRest()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { HalfOpenMaxProbes = 2 });
        breaker.DriveTo(clock, CircuitState.HalfOpen);

        var first = breaker.TryAcquire();
        var second = breaker.TryAcquire();
        var third = breaker.TryAcquire();

        Assert.Equal(CircuitDecision.Probe, first.Decision);
        Assert.Equal(CircuitDecision.Probe, second.Decision);
        Assert.Equal(CircuitDecision.Rejected, third.Decision);
        Assert.Equal(CircuitState.HalfOpen, third.State);
    }

    [Fact]
    public void HalfOpen_CancelledProbe_ReturnsItsSlotAndCountsNeither()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var before = breaker.GetStatus();

        var probe = breaker.TryAcquire();
        Assert.Equal(CircuitDecision.Rejected, breaker.TryAcquire().Decision);
        breaker.Complete(probe, CallOutcome.Cancelled);

        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
        var after = breaker.GetStatus();
        Assert.Equal(CircuitState.HalfOpen, after.State);
        Assert.Equal(before.SuccessfulRequests, after.SuccessfulRequests);
        Assert.Equal(before.FailedRequests, after.FailedRequests);
    }

    [Theory]
    [InlineData(CircuitState.Closed)]
    [InlineData(CircuitState.Open)]
    [InlineData(CircuitState.HalfOpen)]
    [InlineData(CircuitState.Isolated)]
    public void Isolate_FromAnyState_RejectsEverythingUntilReset(CircuitState from)
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.DriveTo(clock, from);

        breaker.Isolate();
        clock.Advance(TimeSpan.FromHours(1));

        var permit = breaker.TryAcquire();
        Assert.Equal(CircuitDecision.Rejected, permit.Decision);
        Assert.Equal(CircuitState.Isolated, permit.State);
        Assert.Null(permit.RetryAfter);
        Assert.Equal(CircuitState.Isolated, breaker.State);
    }

    [Theory]
    [InlineData(CircuitState.Closed)]
    [InlineData(CircuitState.Open)]
    [InlineData(CircuitState.HalfOpen)]
    [InlineData(CircuitState.Isolated)]
    public void Reset_FromAnyState_ClosesAndClearsCounts(CircuitState from)
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.Fail(2);
        breaker.DriveTo(clock, from);

        breaker.Reset();

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.FailureCount);
        Assert.Equal(0, status.SuccessCount);
        Assert.Equal(CircuitDecision.Allowed, breaker.Call(CallOutcome.Failure));
        Assert.Equal(1, breaker.GetStatus().FailureCount);
    }

    [Fact]
    public void Reopening_WithMultiplier_GrowsOpenDurationUpToCap()
    {
        var (breaker, clock) = TestBreakers.Create(Options with
        {
            OpenDurationMultiplier = 2,
            MaxOpenDuration = TimeSpan.FromSeconds(30),
        });
        breaker.DriveTo(clock, CircuitState.Open);
        var observed = new List<double>();

        for (var reopen = 0; reopen < 4; reopen++)
        {
            var status = breaker.GetStatus();
            observed.Add((status.NextAttempt!.Value - clock.GetUtcNow()).TotalSeconds);
            clock.Advance(status.NextAttempt.Value - clock.GetUtcNow());
            breaker.Call(CallOutcome.Failure); // the probe fails
        }

        Assert.Equal([10, 20, 30, 30], observed);
    }

    [Fact]
    public void Reopening_AfterClose_StartsAgainFromOpenDuration()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { OpenDurationMultiplier = 2 });
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        breaker.Call(CallOutcome.Failure);              // reopened: 20 s
        clock.Advance(TimeSpan.FromSeconds(20));
        breaker.Succeed(2);                             // closed
        breaker.Fail(3);                                // opened again

        var status = breaker.GetStatus();
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(10), status.NextAttempt);
    }

    [Fact]
    public void Complete_ResultFromBeforeLastTransition_ChangesNoState()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var slowCall = breaker.TryAcquire();            // admitted while Closed
        breaker.DriveTo(clock, CircuitState.HalfOpen);

        breaker.Complete(slowCall, CallOutcome.Failure);

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.HalfOpen, status.State);
        Assert.Equal(4, status.FailedRequests);         // still counted
    }

    [Fact]
    public void StateChanges_KeepOnlyTheMostRecent50()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < 40; i++)
        {
            breaker.Isolate($"isolate {i}");
            breaker.Reset($"reset {i}");
        }

        var changes = breaker.GetStatus().StateChanges;
        Assert.Equal(50, changes.Count);
        Assert.Equal("isolate 15", changes[0].Reason);
        Assert.Equal("reset 39", changes[^1].Reason);
    }

    [Fact]
    public void StateChanged_RaisedOncePerTransition()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var raised = new List<CircuitStateChange>();
        breaker.StateChanged += (_, change) => raised.Add(change);

        breaker.Fail(3);
        clock.Advance(Options.OpenDuration);
        _ = breaker.State;
        _ = breaker.GetStatus();
        breaker.Succeed(2);

        Assert.Equal(
            [(CircuitState.Closed, CircuitState.Open), (CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)],
            raised.Select(c => (c.From, c.To)));
        Assert.Equal(raised, breaker.GetStatus().StateChanges);
    }

    [Fact]
    public void Counts_AddUp()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        breaker.Succeed(4);
        breaker.Fail(3);
        breaker.Call(CallOutcome.Success); // rejected
        clock.Advance(Options.OpenDuration);
        var probe = breaker.TryAcquire();

        var status = breaker.GetStatus();
        Assert.Equal((9, 4, 3, 1, 1), (status.TotalRequests, status.SuccessfulRequests, status.FailedRequests, status.RejectedRequests, status.InFlightRequests));
        breaker.Complete(probe, CallOutcome.Cancelled);
        status = breaker.GetStatus();
        Assert.Equal((9, 1, 0), (status.TotalRequests, status.CancelledRequests, status.InFlightRequests));
        Assert.Equal(status.TotalRequests, status.SuccessfulRequests + status.FailedRequests + status.RejectedRequests + status.CancelledRequests);
    }
}
