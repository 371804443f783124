using HdrHistogram;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// How long a read of one service waits before its hedge: a fixed delay, or (<c>auto</c>) the p95 of the service's
/// recent answered attempts, no less than the floor and no more than half the attempt timeout. Until the first estimate
/// it is that ceiling.
/// </summary>
/// <remarks>
/// The latencies go into HdrHistogram's <see cref="Recorder"/> (safe for any number of writers, a few nanoseconds each).
/// At most once a <see cref="Interval"/> the interval's histogram is taken and added to those gathered since the last
/// estimate; once they hold <see cref="SamplesPerEstimate"/> latencies, their p95 is the new estimate and they are
/// cleared. So the estimate is at least that many answers, from the last second or so when traffic is high.
/// </remarks>
internal sealed class HedgeDelay
{
    /// <summary>How often the recorded latencies are gathered.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How many latencies an estimate is made of, at least.</summary>
    public const int SamplesPerEstimate = 100;

    private const long HighestMicroseconds = 60L * 60 * 1_000_000;
    private const int SignificantDigits = 2;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan? _fixed;
    private readonly TimeSpan _floor;
    private readonly TimeSpan _ceiling;
    private readonly Recorder _recorder = new(
        1, HighestMicroseconds, SignificantDigits, static (id, low, high, digits) => new LongHistogram(id, low, high, digits));
    private readonly LongHistogram _gathered = new(1, HighestMicroseconds, SignificantDigits);
    private HistogramBase? _interval;
    private long _gatheredAt;
    private long _p95Ticks = -1;

    /// <summary>A delay by <paramref name="options"/>, for a service whose attempt timeout is <paramref name="attemptTimeout"/>.</summary>
    public HedgeDelay(HedgingOptions options, TimeSpan attemptTimeout, TimeProvider time)
    {
        _time = time;
        _fixed = options.IsAuto ? null : options.FixedDelay;
        _ceiling = attemptTimeout / 2;
        _floor = options.MinHedgeDelay < _ceiling ? options.MinHedgeDelay : _ceiling;
        _gatheredAt = time.GetTimestamp();
    }

    /// <summary>The service's recent p95, or null before the first estimate (or with a fixed delay).</summary>
    public TimeSpan? P95
    {
        get
        {
            Gather();
            var ticks = Volatile.Read(ref _p95Ticks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }
    }

    /// <summary>The delay now.</summary>
    public TimeSpan Now => _fixed ?? (P95 is { } p95 ? TimeSpan.FromTicks(Math.Clamp(p95.Ticks, _floor.Ticks, _ceiling.Ticks)) : _ceiling);

    /// <summary>Records how long an answered attempt of the service took.</summary>
    public void Observe(TimeSpan latency)
    {
        if (_fixed is null)
        {
            _recorder.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds));
        }
    }

    private void Gather()
    {
        if (_fixed is not null || _time.GetElapsedTime(Volatile.Read(ref _gatheredAt)) < Interval)
        {
            return;
        }

        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_gatheredAt, now) < Interval)
            {
                return;
            }

            _interval = _interval is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_interval);
            _gathered.Add(_interval);
            if (_gathered.TotalCount >= SamplesPerEstimate)
            {
                var p95 = TimeSpan.FromMicroseconds(_gathered.GetValueAtPercentile(95));
                Volatile.Write(ref _p95Ticks, p95.Ticks);
                _gathered.Reset();
            }

            Volatile.Write(ref _gatheredAt, now);
        }
    }
}
