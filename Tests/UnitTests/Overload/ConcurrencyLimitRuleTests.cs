
namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// One instance's adaptive concurrency limit, rule by rule (docs/pattern.md, "Overload: the retry budget and the
/// concurrency limit"), on a clock the test moves (<see cref="LimitWindows"/>): the cuts, the decay and the bounds; how
/// it grows is in <see cref="ConcurrencyLimitGrowthTests"/>.
/// </summary>
public sealed class ConcurrencyLimitRuleTests
{
    private readonly LimitWindows _windows = new();

    [Fact]
    public void ANewInstance_StartsAtTheInitialLimit() => Assert.Equal(ConcurrencyLimit.Initial, _windows.Limit.Value);

    [Fact]
    public void ADrop_CutsTheLimitByATenth()
    {
        _windows.Window(inFlight: 10, fastest: 20, others: 20, dropped: true);

        Assert.Equal((int)(ConcurrencyLimit.Initial * ConcurrencyLimit.Backoff), _windows.Limit.Value);
        Assert.Equal("drop", _windows.Limit.LastChange);
    }

    [Fact]
    public void AStandingQueue_BringsTheLimitDown_ByItsExcess_AtMostByHalf()
    {
        _windows.Usual(20);

        _windows.Window(inFlight: 20, fastest: 40, others: 45); // two calls waiting

        Assert.Equal((int)(ConcurrencyLimit.Initial - (2 - ConcurrencyLimit.Alpha)), _windows.Limit.Value);
        Assert.Equal("latency", _windows.Limit.LastChange);

        _windows.Window(inFlight: 20, fastest: 520, others: 530); // fifty waiting: halved, no more
        Assert.Equal((ConcurrencyLimit.Initial - 2) / 2, _windows.Limit.Value);
    }

    [Fact]
    public void HalfACallWaiting_IsAQueue()
    {
        _windows.Usual(20);

        _windows.Window(inFlight: 20, fastest: 27, others: 29); // 0.7 of a call waiting

        Assert.Equal((int)(ConcurrencyLimit.Initial - (0.7 - ConcurrencyLimit.Alpha)), _windows.Limit.Value);
        Assert.Equal("latency", _windows.Limit.LastChange);
    }

    [Fact]
    public void ACut_NeverGoesBelowWhatTheInstanceServesAtOnce()
    {
        // A hundred calls a second at a usual 20 ms: it serves two at once, however long the queue the calls admitted
        // before the cuts still measure.
        _windows.Usual(20);

        for (var i = 0; i < 20; i++)
        {
            _windows.Window(inFlight: 20, fastest: 520, others: 525);
        }

        Assert.Equal(2, _windows.Limit.Value);
    }

    [Fact]
    public void AReset_ForgetsWhatWasLearnt()
    {
        _windows.Window(inFlight: 10, fastest: 20, others: 20, dropped: true);
        Assert.NotEqual(ConcurrencyLimit.Initial, _windows.Limit.Value);

        _windows.Limit.Reset();

        Assert.Equal((ConcurrencyLimit.Initial, 0.0, null), (_windows.Limit.Value, _windows.Limit.Baseline, _windows.Limit.LastChange));
    }

    [Fact]
    public void ABusyCaller_DelayingSomeCallsAndNotOthers_IsNoQueue()
    {
        // A thousand calls a window, most of them late by up to 30 ms (a garbage collection in the caller), the fastest
        // half a millisecond over the usual one: by Little's law that would be five calls waiting, but no queue delays
        // some calls by 30 ms and the fastest by half of one.
        _windows.Usual(1, calls: 1000);
        var before = _windows.Limit.Value;

        _windows.Window(inFlight: 15, fastest: 1.5, others: 30, calls: 1000);

        Assert.True(_windows.Limit.Value >= before, $"{_windows.Limit.Value} < {before}");
    }

    [Fact]
    public void WhileLessThanHalfOfItIsUsed_ItNeverGrows_AndNeverFallsBelowTwiceTheUse()
    {
        for (var i = 0; i < 100; i++)
        {
            _windows.Window(inFlight: 9, fastest: 20, others: 21);
            Assert.InRange(_windows.Limit.Value, 18, ConcurrencyLimit.Initial);
        }
    }

    [Fact]
    public void FarAboveItsUse_ItDecaysTowardTwiceTheMostInFlightLately_NeverBelowTheInitialLimit()
    {
        while (_windows.Limit.Value < 100)
        {
            _windows.Window(inFlight: 100, fastest: 20, others: 21);
        }

        // The most in flight lately is 100 until two baseline windows have gone by; then 15.
        var quieter = _windows.Now + (2 * ConcurrencyLimit.BaselineWindow) + TimeSpan.FromSeconds(1);
        while (_windows.Now < quieter)
        {
            _windows.Window(inFlight: 15, fastest: 20, others: 21);
        }

        Assert.Equal(30, _windows.Limit.Value);
        Assert.Equal("unused", _windows.Limit.LastChange);

        var end = _windows.Now + (2 * ConcurrencyLimit.BaselineWindow);
        while (_windows.Now < end)
        {
            _windows.Window(inFlight: 2, fastest: 20, others: 21);
        }

        Assert.Equal(ConcurrencyLimit.Initial, _windows.Limit.Value);
    }

    [Fact]
    public void ItNeverGoesBelowOne()
    {
        for (var i = 0; i < 100; i++)
        {
            _windows.Window(inFlight: 1, fastest: 20, others: 20, dropped: true);
        }

        Assert.Equal(ConcurrencyLimit.Minimum, _windows.Limit.Value);
    }

    [Fact]
    public void ItNeverGoesAboveTheMaximum()
    {
        for (var i = 0; i < 2000; i++)
        {
            _windows.Window(inFlight: ConcurrencyLimit.Maximum, fastest: 20, others: 20);
        }

        Assert.Equal(ConcurrencyLimit.Maximum, _windows.Limit.Value);
    }

    [Fact]
    public void AQueue_IsMeasuredAgainstTheLatencyBeforeIt_AndASlowerInstanceIsLearntWithinTwoBaselineWindows()
    {
        _windows.Usual(20);
        _windows.Window(inFlight: 20, fastest: 60, others: 60);
        Assert.Equal("latency", _windows.Limit.LastChange);

        // Forty milliseconds is its latency now, and nothing waits: two baseline windows later it is the usual one.
        var end = _windows.Now + (2 * ConcurrencyLimit.BaselineWindow);
        while (_windows.Now < end)
        {
            _windows.Window(inFlight: 1, fastest: 40, others: 40);
        }

        Assert.Equal(40, _windows.Limit.Baseline);
    }

    [Fact]
    public void FewerThanTenCalls_OrLessThanAWindowOfTime_ChangeNothing()
    {
        for (var i = 0; i < 9; i++)
        {
            _windows.Now += TimeSpan.FromMilliseconds(50);
            _windows.Limit.Record(TimeSpan.FromMilliseconds(500), dropped: true, inFlight: 20, _windows.Now);
        }

        Assert.Equal(ConcurrencyLimit.Initial, _windows.Limit.Value);

        var quick = default(ConcurrencyLimit);
        for (var i = 0; i < 50; i++)
        {
            quick.Record(TimeSpan.FromMilliseconds(500), dropped: true, inFlight: 20, _windows.Now);
        }

        Assert.Equal(ConcurrencyLimit.Initial, quick.Value);
    }
}
