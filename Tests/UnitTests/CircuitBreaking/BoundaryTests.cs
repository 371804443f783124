namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// The edges: options copied, a probe from an earlier period, totals that never go down, and growth that saturates.
/// </summary>
public class BoundaryTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

    [Fact]
    public void GetStatus_OptionsChangedThroughReflection_ChangeNothing()
    {
        var (breaker, clock) = TestBreakers.Create(Options);

        // Init-only properties stop this at compile time; reflection can still call the setter of whatever it is handed.
        typeof(CircuitBreakerOptions).GetProperty(nameof(CircuitBreakerOptions.HalfOpenMaxProbes))!.SetValue(breaker.GetStatus().Options, 5);
        typeof(CircuitBreakerOptions).GetProperty(nameof(CircuitBreakerOptions.FailureThreshold))!.SetValue(breaker.GetStatus().Options, 1);

        breaker.Fail(2);
        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.Fail();
        clock.Advance(Options.OpenDuration);
        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
        Assert.Equal(CircuitDecision.Rejected, breaker.TryAcquire().Decision);
        Assert.Equal(1, breaker.GetStatus().Options.HalfOpenMaxProbes);
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_ChangeNothing()
    {
        var options = Options with { };
        var (breaker, clock) = TestBreakers.Create(options);

        typeof(CircuitBreakerOptions).GetProperty(nameof(CircuitBreakerOptions.OpenDuration))!.SetValue(options, TimeSpan.FromHours(1));
        breaker.Fail(3);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    [Fact]
    public void HalfOpen_ProbeFromAnEarlierPeriodStillRunning_HoldsItsSlotInTheNextPeriod()
    {
        // An attempt can outlive a short open duration: a probe admitted in one HalfOpen period is still running in the next.
        var (breaker, clock) = TestBreakers.Create(Options with
        {
            HalfOpenMaxProbes = 2,
            OpenDuration = TimeSpan.FromSeconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(5),
        });
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var slowProbe = breaker.TryAcquire();
        breaker.Call(CallOutcome.Failure); // the other probe fails: Open again
        clock.Advance(TimeSpan.FromSeconds(1));

        var first = breaker.TryAcquire();
        var second = breaker.TryAcquire();

        Assert.Equal((CircuitDecision.Probe, CircuitDecision.Probe, CircuitDecision.Rejected), (slowProbe.Decision, first.Decision, second.Decision));
        breaker.Complete(slowProbe, CallOutcome.Success); // from the earlier period: counted, frees its slot, decides nothing
        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
        Assert.Equal(0, breaker.GetStatus().SuccessCount);
    }

    [Fact]
    public void CancelledCall_TotalsNeverGoDown_AndTheCancellationIsCountedApart()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var permit = breaker.TryAcquire();
        var before = breaker.GetStatus();

        breaker.Complete(permit, CallOutcome.Cancelled);

        var after = breaker.GetStatus();
        Assert.Equal((1L, 1L), (before.TotalRequests, after.TotalRequests));
        Assert.Equal((0L, 1L), (before.CancelledRequests, after.CancelledRequests));
        Assert.Equal((1L, 0L), (before.InFlightRequests, after.InFlightRequests));
    }

    [Fact]
    public void OpenDurationGrowth_AtAnyPreviousDuration_SaturatesAtTheCap()
    {
        var options = Options with { OpenDurationMultiplier = 100, MaxOpenDuration = TimeSpan.FromDays(1) };

        Assert.Equal(TimeSpan.FromSeconds(1000), OpenDurationGrowth.Next(TimeSpan.FromSeconds(10), options));
        Assert.Equal(TimeSpan.FromDays(1), OpenDurationGrowth.Next(TimeSpan.FromHours(1), options));
        Assert.Equal(TimeSpan.FromDays(1), OpenDurationGrowth.Next(TimeSpan.FromDays(1), options));
        Assert.Equal(TimeSpan.FromDays(1), OpenDurationGrowth.Next(TimeSpan.MaxValue, options));
    }

    [Fact]
    public void Reopening_ThousandsOfTimes_StaysAtTheCap()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { OpenDurationMultiplier = 2, MaxOpenDuration = TimeSpan.FromMinutes(5) });
        breaker.DriveTo(clock, CircuitState.Open);

        for (var reopen = 0; reopen < 5_000; reopen++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(breaker.GetStatus().RetryAfterMs!.Value));
            breaker.Call(CallOutcome.Failure);
        }

        Assert.Equal(300_000, breaker.GetStatus().RetryAfterMs);
    }
}
