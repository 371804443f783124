namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// One instance's adaptive concurrency limit fed window by window on a clock the test moves: each window is ten calls
/// over 100 ms, 100 calls a second, so a fastest call 10 ms slower than usual means one call waiting in the instance.
/// </summary>
internal sealed class LimitWindows
{
    /// <summary>The limit under test.</summary>
    public ConcurrencyLimit Limit;

    /// <summary>The clock: where the last window ended.</summary>
    public TimeSpan Now = TimeSpan.FromSeconds(1);

    /// <summary>Windows at the usual latency, half the initial limit in flight (neither in use nor unused): the latency learnt.</summary>
    public void Usual(double milliseconds, int calls = 10)
    {
        for (var i = 0; i < 3; i++)
        {
            Window(ConcurrencyLimit.Initial / 2, milliseconds, milliseconds, calls: calls);
        }

        Assert.Equal(ConcurrencyLimit.Initial, Limit.Value);
    }

    /// <summary>One window: its calls spread over 100 ms, the first the fastest, then the window is closed.</summary>
    public void Window(int inFlight, double fastest, double others, bool dropped = false, int calls = 10)
    {
        var start = Now;
        for (var i = 0; i < calls; i++)
        {
            Now = start + (ConcurrencyLimit.WindowTime * i / (calls - 1));
            Limit.Record(TimeSpan.FromMilliseconds(i == 0 ? fastest : others), dropped && i == calls - 1, inFlight, Now);
        }

        Now += TimeSpan.FromMilliseconds(1);
    }
}
