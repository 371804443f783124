using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Hedging;

/// <summary>
/// When a read's hedge is due (docs/pattern.md, "The tail: hedged reads"): <c>auto</c> is the p95 of the service's
/// recent answers, at least <c>MinHedgeDelay</c>, at most half the attempt timeout; half the attempt timeout until there
/// is an estimate; a fixed delay is that delay. And when reads are worth hedging at all: with a fixed delay always; with
/// <c>auto</c> while at least one read in a hundred is late (slower than the delay, its hedge due, or timed out).
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

    [Fact]
    public void Auto_IsNotArmedBeforeALateRead_AndOneLateReadAmongTheFirstHundredArmsIt()
    {
        var delay = Auto();
        Observe(delay, 99, TimeSpan.FromMilliseconds(5));
        Assert.False(delay.Armed);

        // Later than the delay (half the attempt timeout, before an estimate): 1 late read of 100.
        Observe(delay, 1, TimeSpan.FromSeconds(1.5));
        Assert.True(delay.Armed);
    }

    [Fact]
    public void Auto_LateReadsArmIt_OnlyOnceTheyAreOnePercentOfTheReadsSinceTheEstimate()
    {
        var delay = Estimated(); // the floor, 20 ms, with no read late
        Observe(delay, 297, TimeSpan.FromMilliseconds(5));

        Observe(delay, 2, TimeSpan.FromMilliseconds(25));
        Assert.False(delay.Armed); // 2 late of 299

        Observe(delay, 1, TimeSpan.FromMilliseconds(25));
        Assert.True(delay.Armed); // 3 late of 300: 1 %
    }

    [Fact]
    public void HedgesDueAndTimedOutAttempts_AreLateReads()
    {
        var delay = Estimated();
        Observe(delay, 99, TimeSpan.FromMilliseconds(5));
        Assert.False(delay.Armed);

        delay.ObserveLate();
        Assert.True(delay.Armed);
    }

    [Fact]
    public void Auto_StaysArmedWhileEachEstimatesReadsAreOnePercentLate_AndAnEstimateWithFewerDisarmsIt()
    {
        var delay = Estimated();
        Observe(delay, 1, TimeSpan.FromMilliseconds(25));
        Assert.True(delay.Armed);

        Observe(delay, 99, TimeSpan.FromMilliseconds(5));
        Observe(delay, 1, TimeSpan.FromMilliseconds(25));
        _time.Advance(HedgeDelay.Interval);
        Assert.True(delay.Armed); // 2 late of 101 since the last estimate

        Observe(delay, 101, TimeSpan.FromMilliseconds(5));
        Observe(delay, 1, TimeSpan.FromMilliseconds(25));
        _time.Advance(HedgeDelay.Interval);
        Assert.False(delay.Armed); // 1 late of 102
    }

    [Fact]
    public void AFixedDelay_IsAlwaysArmed()
    {
        var delay = new HedgeDelay(new HedgingOptions { HedgeDelay = "00:00:00.150" }, AttemptTimeout, _time);
        Assert.True(delay.Armed);

        Observe(delay, 100, TimeSpan.FromMilliseconds(5));
        _time.Advance(HedgeDelay.Interval);
        Assert.True(delay.Armed);
    }

    private HedgeDelay Auto() => new(new HedgingOptions(), AttemptTimeout, _time);

    // An auto delay with its first estimate made (the floor: a hundred answers in 3 ms), no read late, not armed.
    private HedgeDelay Estimated()
    {
        var delay = Auto();
        Observe(delay, 100, TimeSpan.FromMilliseconds(3));
        _time.Advance(HedgeDelay.Interval);
        Assert.Equal((TimeSpan.FromMilliseconds(20), false), (delay.Now, delay.Armed));
        return delay;
    }

    private static void Observe(HedgeDelay delay, int count, TimeSpan latency)
    {
        for (var i = 0; i < count; i++)
        {
            delay.Observe(latency);
        }
    }
}
