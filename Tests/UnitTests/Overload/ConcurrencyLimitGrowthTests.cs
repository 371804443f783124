namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// How one instance's adaptive concurrency limit grows when it is in use and no queue shows (docs/pattern.md, "Overload:
/// the retry budget and the concurrency limit"), on a clock the test moves (<see cref="LimitWindows"/>): by its square
/// root; by its logarithm just after a cut; doubled (a slow start) when a window fills it, long after any cut, with every
/// call in flight accounted for by the answers (Little's law).
/// </summary>
public sealed class ConcurrencyLimitGrowthTests
{
    private readonly LimitWindows _windows = new();

    [Fact]
    public void InUse_WithNoQueue_TheLimitGrowsByItsSquareRoot()
    {
        _windows.Window(inFlight: 11, fastest: 20, others: 21);

        Assert.Equal((int)(ConcurrencyLimit.Initial + Math.Sqrt(ConcurrencyLimit.Initial)), _windows.Limit.Value);
        Assert.Equal("room", _windows.Limit.LastChange);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("latency")]
    public void ForABaselineWindowAfterACut_RoomGrowsItByItsLogarithm_ThenByItsSquareRootAgain(string cutBy)
    {
        _windows.Usual(20);
        if (cutBy == "drop")
        {
            _windows.Window(inFlight: 10, fastest: 20, others: 20, dropped: true);
        }
        else
        {
            _windows.Window(inFlight: 20, fastest: 40, others: 45); // two calls waiting
        }

        var cut = cutBy == "drop" ? ConcurrencyLimit.Initial * ConcurrencyLimit.Backoff : ConcurrencyLimit.Initial - (2 - ConcurrencyLimit.Alpha);
        Assert.Equal(((int)cut, cutBy), (_windows.Limit.Value, _windows.Limit.LastChange));

        _windows.Window(inFlight: 11, fastest: 20, others: 21);
        var crept = cut + Math.Log10(cut);
        Assert.Equal((int)crept, _windows.Limit.Value);

        _windows.Now += ConcurrencyLimit.BaselineWindow;
        _windows.Window(inFlight: 11, fastest: 20, others: 21);
        Assert.Equal((int)(crept + Math.Sqrt(crept)), _windows.Limit.Value);
    }

    [Fact]
    public void AWindowThatFillsIt_WithEveryCallAccountedFor_DoublesIt()
    {
        // A hundred calls over 100 ms, 20 ms each: twenty in flight, as many as the limit, all of them coming back.
        _windows.Window(inFlight: ConcurrencyLimit.Initial, fastest: 20, others: 20, calls: 100);

        Assert.Equal((2 * ConcurrencyLimit.Initial, "slow start"), (_windows.Limit.Value, _windows.Limit.LastChange));

        _windows.Window(inFlight: 2 * ConcurrencyLimit.Initial, fastest: 20, others: 20, calls: 200);
        Assert.Equal(4 * ConcurrencyLimit.Initial, _windows.Limit.Value);
    }

    [Fact]
    public void AWindowThatFillsIt_WithCallsInFlightThatNoAnswerAccountsFor_GrowsOnlyByItsSquareRoot()
    {
        // A surge's first window: twenty let in, but ten answers of 20 ms account for two in flight: the other calls are
        // waiting in the instance, and their answers have not shown it yet.
        _windows.Window(inFlight: ConcurrencyLimit.Initial, fastest: 20, others: 20);

        Assert.Equal(((int)(ConcurrencyLimit.Initial + Math.Sqrt(ConcurrencyLimit.Initial)), "room"), (_windows.Limit.Value, _windows.Limit.LastChange));
    }

    [Fact]
    public void WithinSlowStartAfterOfACut_AFilledWindowGrowsItByItsSquareRoot_ThenItDoublesAgain()
    {
        _windows.Window(inFlight: 10, fastest: 20, others: 20, dropped: true);
        var cut = ConcurrencyLimit.Initial * ConcurrencyLimit.Backoff;
        Assert.Equal((int)cut, _windows.Limit.Value);

        _windows.Now += ConcurrencyLimit.BaselineWindow; // past the logarithm's time, not the slow start's
        _windows.Window(inFlight: (int)cut, fastest: 20, others: 20, calls: 100);
        Assert.Equal((int)(cut + Math.Sqrt(cut)), _windows.Limit.Value);

        _windows.Now += ConcurrencyLimit.SlowStartAfter;
        var before = _windows.Limit.Value;
        _windows.Window(inFlight: before, fastest: 20, others: 20, calls: 200);
        Assert.Equal(2 * before, _windows.Limit.Value);
    }
}
