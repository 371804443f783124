namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>Isolate and reset by hand, the history of changes, their events, and the counts that add up.</summary>
public class ManualControlAndHistoryTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

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
