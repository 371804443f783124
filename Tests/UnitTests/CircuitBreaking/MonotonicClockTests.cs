namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// Durations on the monotonic clock: a wall clock stepping back or forward changes nothing, and the times shown stay one open duration apart.
/// </summary>
public class MonotonicClockTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

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
}
