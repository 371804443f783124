using HdrHistogram;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// How long a read of one service waits before its hedge: a fixed delay, or (<c>auto</c>) the p95 of the service's
/// recent answered attempts, no less than the floor and no more than half the attempt timeout. Until the first estimate
/// it is that ceiling. And whether the service's reads are worth hedging now (<see cref="Armed"/>): with a fixed delay
/// always, with <c>auto</c> as <see cref="HedgeArming"/> says.
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

    // Null with a fixed delay, which is always armed.
    private readonly HedgeArming? _arming;

    /// <summary>A delay by <paramref name="options"/>, for a service whose attempt timeout is <paramref name="attemptTimeout"/>.</summary>
    public HedgeDelay(HedgingOptions options, TimeSpan attemptTimeout, TimeProvider time)
    {
        _time = time;
        _fixed = options.IsAuto ? null : options.FixedDelay;
        _arming = options.IsAuto ? new HedgeArming(time) : null;
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
    public TimeSpan Now
    {
        get
        {
            Gather();
            return Current();
        }
    }

    /// <summary>True while a read of the service is worth hedging: always with a fixed delay; with <c>auto</c>, while it has a tail.</summary>
    public bool Armed
    {
        get
        {
            if (_arming is null)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            Gather(now);
            return _arming.IsArmed(now, Current());
        }
    }

    /// <summary>While disarmed, watches the attempt that started at <paramref name="started"/>, if no other is (<see cref="HedgeArming"/>).</summary>
    public bool TryWatch(long started) => _arming?.TryWatch(started) is true;

    /// <summary>Ends the watch of the attempt that started at <paramref name="started"/>.</summary>
    public void Unwatch(long started) => _arming?.Unwatch(started);

    /// <summary>Records how long an answered attempt of the service took; later than the delay, it is a late read.</summary>
    public void Observe(TimeSpan latency)
    {
        if (_arming is not null)
        {
            _recorder.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds));
            _arming.Count(late: latency > Current());
        }
    }

    /// <summary>Records a read with no answer in time: its hedge fell due, or its attempt timed out.</summary>
    public void ObserveLate() => _arming?.Count(late: true);

    private TimeSpan Current()
    {
        var p95 = Volatile.Read(ref _p95Ticks);
        return _fixed ?? (p95 < 0 ? _ceiling : TimeSpan.FromTicks(Math.Clamp(p95, _floor.Ticks, _ceiling.Ticks)));
    }

    private void Gather() => Gather(_time.GetTimestamp());

    private void Gather(long now)
    {
        if (_fixed is not null || _time.GetElapsedTime(Volatile.Read(ref _gatheredAt), now) < Interval)
        {
            return;
        }

        lock (_lock)
        {
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
                _arming?.Estimated();
            }

            Volatile.Write(ref _gatheredAt, now);
        }
    }
}
