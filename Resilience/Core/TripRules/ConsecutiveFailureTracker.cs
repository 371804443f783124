namespace CircuitDemo.Resilience.Core;

/// <summary>
/// The consecutive-failure trip rule. Keeps the times of the last <c>threshold</c> failures of the current
/// streak in a fixed ring, so memory never grows with failures and no timer is needed to forget old ones:
/// a failure simply stops counting once it is older than the window. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class ConsecutiveFailureTracker(int threshold, TimeSpan window)
{
    private readonly long[] _failureTicks = new long[threshold];
    private readonly long _windowTicks = window.Ticks;
    private int _next;
    private int _streak;

    /// <summary>Counts a failure at <paramref name="nowTicks"/>; true when the threshold is reached within the window.</summary>
    public bool RecordFailure(long nowTicks)
    {
        _failureTicks[_next] = nowTicks;
        _next = (_next + 1) % _failureTicks.Length;
        if (_streak < _failureTicks.Length)
        {
            _streak++;
        }

        return CountWithinWindow(nowTicks) >= _failureTicks.Length;
    }

    /// <summary>A success ends the streak.</summary>
    public void Reset() => _streak = 0;

    /// <summary>Failures of the current streak that are still within the window.</summary>
    public int CountWithinWindow(long nowTicks)
    {
        var oldestCounted = nowTicks - _windowTicks;
        var count = 0;
        for (var i = 1; i <= _streak; i++)
        {
            var index = (_next - i + _failureTicks.Length) % _failureTicks.Length;
            if (_failureTicks[index] > oldestCounted)
            {
                count++;
            }
        }

        return count;
    }
}
