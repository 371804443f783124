namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>Closed: the trip rules that open it, and what a success or the passing of time forgets.</summary>
public class ClosedStateTests
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
}
