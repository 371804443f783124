using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Hedging;

/// <summary>
/// When a read's hedge is due (docs/pattern.md, "The tail: hedged reads"): <c>auto</c> is the p95 of the service's
/// recent answers, at least <c>MinHedgeDelay</c>, at most half the attempt timeout; half the attempt timeout until there
/// is an estimate; a fixed delay is that delay.
/// </summary>
public sealed class HedgeDelayTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Auto_IsThePercentile95OfTheRecentAnswers_OnceAnEstimateHasEnoughOfThem()
    {
        var delay = Auto();

        // Half the answers in 60 ms, 46 in 120 ms and 4 in 900 ms: the median is 60 ms, the 95th percentile 120 ms
        // (HdrHistogram keeps two significant digits).
        Observe(delay, 50, TimeSpan.FromMilliseconds(60));
        Observe(delay, 46, TimeSpan.FromMilliseconds(120));
        Observe(delay, 4, TimeSpan.FromMilliseconds(900));
        Assert.Equal(TimeSpan.FromSeconds(1), delay.Now); // gathered once a second: no estimate yet, half the attempt timeout

        _time.Advance(HedgeDelay.Interval);
        Assert.InRange(delay.Now.TotalMilliseconds, 119, 121);
    }

    [Fact]
    public void Auto_WaitsForEnoughAnswers_AndAnEstimateIsOnlyOfTheAnswersSinceTheLastOne()
    {
        var delay = Auto();
        Observe(delay, HedgeDelay.SamplesPerEstimate - 1, TimeSpan.FromMilliseconds(200));
        _time.Advance(HedgeDelay.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), delay.Now);

        // One more makes enough: 200 ms. The next estimate is of the next hundred answers only.
        Observe(delay, 1, TimeSpan.FromMilliseconds(200));
        _time.Advance(HedgeDelay.Interval);
        Assert.InRange(delay.Now.TotalMilliseconds, 199, 201);

        Observe(delay, HedgeDelay.SamplesPerEstimate, TimeSpan.FromMilliseconds(120));
        _time.Advance(HedgeDelay.Interval);
        Assert.InRange(delay.Now.TotalMilliseconds, 119.5, 120.5);
    }

    [Fact]
    public void Auto_IsNeverUnderTheFloor_NorOverHalfTheAttemptTimeout()
    {
        var fast = Auto();
        Observe(fast, 100, TimeSpan.FromMilliseconds(3));
        _time.Advance(HedgeDelay.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(20), fast.Now); // the floor, MinHedgeDelay by default
        Assert.InRange(fast.P95!.Value.TotalMilliseconds, 2.9, 3.1);

        var slow = Auto();
        Observe(slow, 100, TimeSpan.FromSeconds(1.8));
        _time.Advance(HedgeDelay.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), slow.Now);
    }

    [Fact]
    public void AFixedDelay_IsThatDelay_WhateverTheAnswers()
    {
        var delay = new HedgeDelay(new HedgingOptions { HedgeDelay = "00:00:00.150" }, AttemptTimeout, _time);
        Observe(delay, 100, TimeSpan.FromMilliseconds(900));
        _time.Advance(HedgeDelay.Interval);

        Assert.Equal(TimeSpan.FromMilliseconds(150), delay.Now);
        Assert.Null(delay.P95);
    }

    private HedgeDelay Auto() => new(new HedgingOptions(), AttemptTimeout, _time);

    private static void Observe(HedgeDelay delay, int count, TimeSpan latency)
    {
        for (var i = 0; i < count; i++)
        {
            delay.Observe(latency);
        }
    }
}
