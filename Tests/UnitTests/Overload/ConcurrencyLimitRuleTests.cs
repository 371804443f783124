
namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// One instance's adaptive concurrency limit, rule by rule (docs/pattern.md, "Overload: the retry budget and the
/// concurrency limit"), on a clock the test moves: each window is ten calls over 100 ms, 100 calls a second, so a
/// fastest call 10 ms slower than usual means one call waiting in the instance.
/// </summary>
public sealed class ConcurrencyLimitRuleTests
{
    private ConcurrencyLimit _limit;
    private TimeSpan _now = TimeSpan.FromSeconds(1);

    [Fact]
    public void ANewInstance_StartsAtTheInitialLimit() => Assert.Equal(ConcurrencyLimit.Initial, _limit.Value);

    [Fact]
    public void ADrop_CutsTheLimitByATenth()
    {
        Window(inFlight: 10, fastest: 20, others: 20, dropped: true);

        Assert.Equal((int)(ConcurrencyLimit.Initial * ConcurrencyLimit.Backoff), _limit.Value);
        Assert.Equal("drop", _limit.LastChange);
    }

    [Fact]
    public void AStandingQueue_BringsTheLimitDown_ByItsExcess_AtMostByHalf()
    {
        Usual(20);

        Window(inFlight: 20, fastest: 40, others: 45); // two calls waiting

        Assert.Equal((int)(ConcurrencyLimit.Initial - (2 - ConcurrencyLimit.Alpha)), _limit.Value);
        Assert.Equal("latency", _limit.LastChange);

        Window(inFlight: 20, fastest: 520, others: 530); // fifty waiting: halved, no more
        Assert.Equal((ConcurrencyLimit.Initial - 2) / 2, _limit.Value);
    }

    [Fact]
    public void HalfACallWaiting_IsAQueue()
    {
        Usual(20);

        Window(inFlight: 20, fastest: 27, others: 29); // 0.7 of a call waiting

        Assert.Equal((int)(ConcurrencyLimit.Initial - (0.7 - ConcurrencyLimit.Alpha)), _limit.Value);
        Assert.Equal("latency", _limit.LastChange);
    }

    [Fact]
    public void ACut_NeverGoesBelowWhatTheInstanceServesAtOnce()
    {
        // A hundred calls a second at a usual 20 ms: it serves two at once, however long the queue the calls admitted
        // before the cuts still measure.
        Usual(20);

        for (var i = 0; i < 20; i++)
        {
            Window(inFlight: 20, fastest: 520, others: 525);
        }

        Assert.Equal(2, _limit.Value);
    }

    [Fact]
    public void AReset_ForgetsWhatWasLearnt()
    {
        Window(inFlight: 10, fastest: 20, others: 20, dropped: true);
        Assert.NotEqual(ConcurrencyLimit.Initial, _limit.Value);

        _limit.Reset();

        Assert.Equal((ConcurrencyLimit.Initial, 0.0, null), (_limit.Value, _limit.Baseline, _limit.LastChange));
    }

    [Fact]
    public void ABusyCaller_DelayingSomeCallsAndNotOthers_IsNoQueue()
    {
        // A thousand calls a window, most of them late by up to 30 ms (a garbage collection in the caller), the fastest
        // half a millisecond over the usual one: by Little's law that would be five calls waiting, but no queue delays
        // some calls by 30 ms and the fastest by half of one.
        Usual(1, calls: 1000);
        var before = _limit.Value;

        Window(inFlight: 15, fastest: 1.5, others: 30, calls: 1000);

        Assert.True(_limit.Value >= before, $"{_limit.Value} < {before}");
    }

    [Fact]
    public void InUse_WithNoQueue_TheLimitGrowsByItsSquareRoot()
    {
        Window(inFlight: 11, fastest: 20, others: 21);

        Assert.Equal((int)(ConcurrencyLimit.Initial + Math.Sqrt(ConcurrencyLimit.Initial)), _limit.Value);
        Assert.Equal("room", _limit.LastChange);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("latency")]
    public void ForABaselineWindowAfterACut_RoomGrowsItByItsLogarithm_ThenByItsSquareRootAgain(string cutBy)
    {
        Usual(20);
        if (cutBy == "drop")
        {
            Window(inFlight: 10, fastest: 20, others: 20, dropped: true);
        }
        else
        {
            Window(inFlight: 20, fastest: 40, others: 45); // two calls waiting
        }

        var cut = cutBy == "drop" ? ConcurrencyLimit.Initial * ConcurrencyLimit.Backoff : ConcurrencyLimit.Initial - (2 - ConcurrencyLimit.Alpha);
        Assert.Equal(((int)cut, cutBy), (_limit.Value, _limit.LastChange));

        Window(inFlight: 11, fastest: 20, others: 21);
        var crept = cut + Math.Log10(cut);
        Assert.Equal((int)crept, _limit.Value);

        _now += ConcurrencyLimit.BaselineWindow;
        Window(inFlight: 11, fastest: 20, others: 21);
        Assert.Equal((int)(crept + Math.Sqrt(crept)), _limit.Value);
    }

    [Fact]
    public void WhileLessThanHalfOfItIsUsed_ItNeverGrows_AndNeverFallsBelowTwiceTheUse()
    {
        for (var i = 0; i < 100; i++)
        {
            Window(inFlight: 9, fastest: 20, others: 21);
            Assert.InRange(_limit.Value, 18, ConcurrencyLimit.Initial);
        }
    }

    [Fact]
    public void FarAboveItsUse_ItDecaysTowardTwiceTheMostInFlightLately_NeverBelowTheInitialLimit()
    {
        while (_limit.Value < 100)
        {
            Window(inFlight: 100, fastest: 20, others: 21);
        }

        // The most in flight lately is 100 until two baseline windows have gone by; then 15.
        var quieter = _now + (2 * ConcurrencyLimit.BaselineWindow) + TimeSpan.FromSeconds(1);
        while (_now < quieter)
        {
            Window(inFlight: 15, fastest: 20, others: 21);
        }

        Assert.Equal(30, _limit.Value);
        Assert.Equal("unused", _limit.LastChange);

        var end = _now + (2 * ConcurrencyLimit.BaselineWindow);
        while (_now < end)
        {
            Window(inFlight: 2, fastest: 20, others: 21);
        }

        Assert.Equal(ConcurrencyLimit.Initial, _limit.Value);
    }

    [Fact]
    public void ItNeverGoesBelowOne()
    {
        for (var i = 0; i < 100; i++)
        {
            Window(inFlight: 1, fastest: 20, others: 20, dropped: true);
        }

        Assert.Equal(ConcurrencyLimit.Minimum, _limit.Value);
    }

    [Fact]
    public void ItNeverGoesAboveTheMaximum()
    {
        for (var i = 0; i < 2000; i++)
        {
            Window(inFlight: ConcurrencyLimit.Maximum, fastest: 20, others: 20);
        }

        Assert.Equal(ConcurrencyLimit.Maximum, _limit.Value);
    }

    [Fact]
    public void AQueue_IsMeasuredAgainstTheLatencyBeforeIt_AndASlowerInstanceIsLearntWithinTwoBaselineWindows()
    {
        Usual(20);
        Window(inFlight: 20, fastest: 60, others: 60);
        Assert.Equal("latency", _limit.LastChange);

        // Forty milliseconds is its latency now, and nothing waits: two baseline windows later it is the usual one.
        var end = _now + (2 * ConcurrencyLimit.BaselineWindow);
        while (_now < end)
        {
            Window(inFlight: 1, fastest: 40, others: 40);
        }

        Assert.Equal(40, _limit.Baseline);
    }

    [Fact]
    public void FewerThanTenCalls_OrLessThanAWindowOfTime_ChangeNothing()
    {
        for (var i = 0; i < 9; i++)
        {
            _now += TimeSpan.FromMilliseconds(50);
            _limit.Record(TimeSpan.FromMilliseconds(500), dropped: true, inFlight: 20, _now);
        }

        Assert.Equal(ConcurrencyLimit.Initial, _limit.Value);

        var quick = default(ConcurrencyLimit);
        for (var i = 0; i < 50; i++)
        {
            quick.Record(TimeSpan.FromMilliseconds(500), dropped: true, inFlight: 20, _now);
        }

        Assert.Equal(ConcurrencyLimit.Initial, quick.Value);
    }

    // Windows at the usual latency, half the initial limit in flight (neither in use nor unused): the latency learnt.
    private void Usual(double milliseconds, int calls = 10)
    {
        for (var i = 0; i < 3; i++)
        {
            Window(ConcurrencyLimit.Initial / 2, milliseconds, milliseconds, calls: calls);
        }

        Assert.Equal(ConcurrencyLimit.Initial, _limit.Value);
    }

    // One window: its calls spread over 100 ms, the first the fastest, then the window is closed.
    private void Window(int inFlight, double fastest, double others, bool dropped = false, int calls = 10)
    {
        var start = _now;
        for (var i = 0; i < calls; i++)
        {
            _now = start + (ConcurrencyLimit.WindowTime * i / (calls - 1));
            _limit.Record(TimeSpan.FromMilliseconds(i == 0 ? fastest : others), dropped && i == calls - 1, inFlight, _now);
        }

        _now += TimeSpan.FromMilliseconds(1);
    }
}
