
namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The edges where a breaker that passes the everyday tests can still go wrong.</summary>
public class CircuitBreakerEdgeCaseTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

    [Fact]
    public void StateChanged_SubscriberThrows_TheCallGoesOnAndLaterSubscribersAreTold()
    {
        var reported = new List<Exception>();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestBreakers.Start);
        var breaker = new CircuitBreaker("test-service", Options, clock, (_, exception) => reported.Add(exception));
        breaker.DriveTo(clock, CircuitState.Open);
        var told = new List<(CircuitState, CircuitState)>();
        breaker.StateChanged += (_, _) => throw new InvalidOperationException("the logger is down");
        breaker.StateChanged += (_, change) => told.Add((change.From, change.To));
        clock.Advance(Options.OpenDuration);

        var probe = breaker.TryAcquire(); // Open -> HalfOpen is raised from here, to the throwing subscriber first
        breaker.Complete(probe, CallOutcome.Success);
        breaker.Succeed();

        Assert.Equal(CircuitDecision.Probe, probe.Decision);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal([(CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)], told);
        Assert.Equal(2, reported.Count);
        Assert.All(reported, e => Assert.Equal("the logger is down", e.Message));
    }

    [Fact]
    public void StateChanged_ErrorReporterThrowsToo_TheBreakerCarriesOn()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestBreakers.Start);
        var breaker = new CircuitBreaker("test-service", Options, clock, (_, _) => throw new InvalidOperationException("reporter"));
        breaker.StateChanged += (_, _) => throw new InvalidOperationException("subscriber");

        breaker.Fail(3);

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void StateChanged_ChangeMadeWhileAnotherIsBeingDelivered_IsDeliveredAfterItInOrder()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        using var firstDeliveryEntered = new ManualResetEventSlim();
        using var releaseFirstDelivery = new ManualResetEventSlim();
        var delivered = new List<(CircuitState From, CircuitState To)>();
        breaker.StateChanged += (_, change) =>
        {
            if (change.To == CircuitState.Isolated)
            {
                firstDeliveryEntered.Set();
                Assert.True(releaseFirstDelivery.Wait(TimeSpan.FromSeconds(10)), "the test never released the first delivery");
            }

            lock (delivered)
            {
                delivered.Add((change.From, change.To));
            }
        };

        var isolating = new Thread(() => breaker.Isolate());
        isolating.Start();
        Assert.True(firstDeliveryEntered.Wait(TimeSpan.FromSeconds(10)));
        breaker.Reset(); // returns at once: the isolating thread is delivering and will deliver this one too
        lock (delivered)
        {
            Assert.Empty(delivered);
        }

        releaseFirstDelivery.Set();
        isolating.Join();

        Assert.Equal([(CircuitState.Closed, CircuitState.Isolated), (CircuitState.Isolated, CircuitState.Closed)], delivered);
        Assert.Equal(delivered, breaker.GetStatus().StateChanges.Select(c => (c.From, c.To)));
    }

    [Fact]
    public void StateChanged_SubscriberCallsBackIntoTheBreaker_GetsItsOwnChangeAfterItReturns()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var delivered = new List<CircuitState>();
        breaker.StateChanged += (b, change) =>
        {
            delivered.Add(change.To);
            if (change.To == CircuitState.Isolated)
            {
                b.Reset("reset from a subscriber");
            }
        };

        breaker.Isolate();

        Assert.Equal([CircuitState.Isolated, CircuitState.Closed], delivered);
    }

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
    public void Open_WallClockStepsBackAnHour_ProbesAfterTheOpenDurationOfRealTime()
    {
        var clock = new SteppingWallClock();
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(3);

        clock.StepWallClock(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromSeconds(10));

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.HalfOpen, status.State);
        Assert.Equal(clock.GetUtcNow(), status.StateChanges[^1].Timestamp); // shown in the (stepped) wall time
    }

    [Fact]
    public void StateChanges_WallClockReadLate_ShowOpenAndHalfOpenExactlyOneOpenDurationApart()
    {
        var clock = new SteppingWallClock { LateReads = TimeSpan.FromMilliseconds(7) };
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(3);
        var whileOpen = breaker.GetStatus();
        clock.Advance(Options.OpenDuration + TimeSpan.FromSeconds(2)); // looked at well after HalfOpen was due

        var changes = breaker.GetStatus().StateChanges;
        var (opened, halfOpen) = (changes[^2], changes[^1]);
        Assert.Equal(Options.OpenDuration, halfOpen.Timestamp - opened.Timestamp);
        Assert.Equal(opened.Timestamp + Options.OpenDuration, whileOpen.NextAttempt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StateChanges_ThreadDescheduledWhileReadingTheClocks_ShowOpenAndHalfOpenExactlyOneOpenDurationApart(bool beforeTheWallClock)
    {
        var clock = new SteppingWallClock();
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(2);

        // The opening's thread is away for three seconds just before or just after it reads the wall clock, between
        // two readings of the monotonic clock: that is not a stepped wall clock, and must not move what is shown.
        clock.DescheduleAtNextWallRead(TimeSpan.FromSeconds(3), beforeTheWallClock);
        breaker.Fail(1);
        clock.Advance(Options.OpenDuration);

        var changes = breaker.GetStatus().StateChanges;
        var (opened, halfOpen) = (changes[^2], changes[^1]);
        Assert.Equal((CircuitState.Open, CircuitState.HalfOpen), (opened.To, halfOpen.To));
        Assert.Equal(Options.OpenDuration, halfOpen.Timestamp - opened.Timestamp);
    }

    [Fact]
    public void Open_WallClockStepsForwardAnHour_StaysOpenForTheRestOfTheOpenDuration()
    {
        var clock = new SteppingWallClock();
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(3);
        clock.Advance(TimeSpan.FromSeconds(4));

        clock.StepWallClock(TimeSpan.FromHours(1));

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Open, status.State);
        Assert.Equal(6000, status.RetryAfterMs);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(6), status.NextAttempt);
    }

    [Fact]
    public void Closed_WallClockStepsForwardAnHour_RecentFailuresStillCount()
    {
        var clock = new SteppingWallClock();
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(2);

        clock.StepWallClock(TimeSpan.FromHours(1));
        Assert.Equal(2, breaker.FailureCount);
        breaker.Fail();

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Closed_WallClockStepsBackAnHour_OldFailuresStillExpire()
    {
        var clock = new SteppingWallClock();
        var breaker = new CircuitBreaker("test-service", Options, clock);
        breaker.Fail(2);

        clock.StepWallClock(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromSeconds(31));
        breaker.Fail();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.FailureCount);
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

    [Fact]
    public void StateChangeHistory_PastTwoBillionChanges_KeepsCountingAndKeepsOrder()
    {
        var history = new StateChangeHistory(alreadyRecorded: int.MaxValue - 2);

        for (var i = 0; i < 60; i++)
        {
            history.Add(new CircuitStateChange(TestBreakers.Start, CircuitState.Closed, CircuitState.Open, $"change {i}"));
        }

        Assert.Equal((long)int.MaxValue + 58, history.Count);
        Assert.Equal(Enumerable.Range(10, 50).Select(i => $"change {i}"), history.Recent().Select(c => c.Reason));
    }

    [Fact]
    public void StateChanges_CarryConsecutiveSequenceNumbers()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < 30; i++)
        {
            breaker.Isolate();
            breaker.Reset();
        }

        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), breaker.GetStatus().StateChanges.Select(c => c.Sequence));
    }
}
