namespace CircuitDemo.Resilience.Overload;

/// <summary>
/// A dependency's retry budget, as Finagle's <c>RetryBudget</c> keeps one: every request deposits, every retry or
/// hedge withdraws, and one is allowed only while the withdrawals of the window stay within <see
/// cref="RetryBudgetOptions.RetryBudgetPercent"/> of its deposits plus the floor (<see
/// cref="RetryBudgetOptions.MinRetriesPerSecond"/> times the window's seconds). So a dependency that fails because it is
/// overloaded gets at most a fifth more load from retries, never twice its load; a quiet one can still be retried.
/// </summary>
/// <remarks>
/// The window is ten slices on the injected clock; a slice older than the window is forgotten whole, so the counts are
/// exact to a tenth of the window. One short lock; a refused retry is counted.
/// </remarks>
public sealed class RetryBudget
{
    private const int Slices = 10;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _createdAt;
    private readonly TimeSpan _slice;
    private readonly double _ratio;
    private readonly double _floor;
    private readonly long[] _sliceOf = new long[Slices];
    private readonly long[] _requests = new long[Slices];
    private readonly long[] _retries = new long[Slices];
    private long _refused;

    /// <summary>A budget by <paramref name="options"/>, its window on <paramref name="time"/>.</summary>
    public RetryBudget(RetryBudgetOptions options, TimeProvider time)
    {
        _time = time;
        _createdAt = time.GetTimestamp();
        _slice = options.RetryBudgetWindow / Slices;
        _ratio = options.Ratio;
        _floor = options.MinRetriesPerSecond * options.RetryBudgetWindow.TotalSeconds;
        Array.Fill(_sliceOf, -1);
    }

    /// <summary>Retries (and hedges) refused since the budget was made.</summary>
    public long Refused
    {
        get
        {
            lock (_lock)
            {
                return _refused;
            }
        }
    }

    /// <summary>How many retries the budget would allow now, one after another.</summary>
    public int AllowedNow
    {
        get
        {
            lock (_lock)
            {
                return (int)Math.Max(0, Math.Floor(Balance_NeedsLock(Current())));
            }
        }
    }

    /// <summary>One request sent (a call's first attempt): it adds its share to the budget.</summary>
    public void Deposit()
    {
        lock (_lock)
        {
            _requests[Slice_NeedsLock(Current())]++;
        }
    }

    /// <summary>True, and the retry counted, when the budget can pay for one more; false, and the refusal counted, when not.</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var now = Current();
            if (Balance_NeedsLock(now) < 1)
            {
                _refused++;
                return false;
            }

            _retries[Slice_NeedsLock(now)]++;
            return true;
        }
    }

    private long Current() => _time.GetElapsedTime(_createdAt).Ticks / _slice.Ticks;

    // What the window allows minus what it has spent: the share of its requests and the floor, less its retries.
    private double Balance_NeedsLock(long now)
    {
        long requests = 0, retries = 0;
        for (var i = 0; i < Slices; i++)
        {
            if (_sliceOf[i] > now - Slices)
            {
                (requests, retries) = (requests + _requests[i], retries + _retries[i]);
            }
        }

        return (requests * _ratio) + _floor - retries;
    }

    // The index of slice number now, emptied first if it last held an older slice.
    private int Slice_NeedsLock(long now)
    {
        var index = (int)(now % Slices);
        if (_sliceOf[index] != now)
        {
            (_sliceOf[index], _requests[index], _retries[index]) = (now, 0, 0);
        }

        return index;
    }
}
