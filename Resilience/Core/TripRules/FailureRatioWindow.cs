namespace CircuitDemo.Resilience.Core;

/// <summary>
/// The optional failure-ratio trip rule: successes and failures over a sliding sampling window kept in a fixed
/// number of buckets, so memory is constant whatever the traffic. The window slides one bucket (a tenth of the
/// sampling duration) at a time. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class FailureRatioWindow
{
    private const int BucketCount = 10;
    private readonly long _bucketTicks;
    private readonly long[] _bucketIds = new long[BucketCount];
    private readonly long[] _successes = new long[BucketCount];
    private readonly long[] _failures = new long[BucketCount];
    private readonly double _ratio;
    private readonly int _minimumThroughput;

    public FailureRatioWindow(double ratio, int minimumThroughput, TimeSpan samplingDuration)
    {
        _ratio = ratio;
        _minimumThroughput = minimumThroughput;
        _bucketTicks = Math.Max(1, samplingDuration.Ticks / BucketCount);
        Array.Fill(_bucketIds, long.MinValue);
    }

    public void RecordSuccess(long nowTicks) => _successes[BucketFor(nowTicks)]++;

    /// <summary>Counts a failure; true when the ratio is reached with enough calls in the window.</summary>
    public bool RecordFailure(long nowTicks)
    {
        _failures[BucketFor(nowTicks)]++;
        var (successes, failures) = Totals(nowTicks);
        var calls = successes + failures;
        return calls >= _minimumThroughput && failures >= _ratio * calls;
    }

    /// <summary>Successes and failures still within the window.</summary>
    public (long Successes, long Failures) Totals(long nowTicks)
    {
        var currentId = nowTicks / _bucketTicks;
        long successes = 0, failures = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            if (_bucketIds[i] > currentId - BucketCount)
            {
                successes += _successes[i];
                failures += _failures[i];
            }
        }

        return (successes, failures);
    }

    public void Reset() => Array.Fill(_bucketIds, long.MinValue);

    private int BucketFor(long nowTicks)
    {
        var id = nowTicks / _bucketTicks;
        var index = (int)(id % BucketCount);
        if (_bucketIds[index] != id)
        {
            _bucketIds[index] = id;
            _successes[index] = 0;
            _failures[index] = 0;
        }

        return index;
    }
}
