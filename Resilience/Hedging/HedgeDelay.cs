using HdrHistogram;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// How long a read of one service waits before its hedge: a fixed delay, or (<c>auto</c>) the p95 of the service's
/// recent answered attempts, no less than the floor and no more than half the attempt timeout. Until the first estimate
/// it is that ceiling. And whether the service's reads are worth hedging now (<see cref="Armed"/>): with <c>auto</c>,
/// only while at least one read in a hundred is late, so that a service without a tail pays nothing for hedging.
/// </summary>
/// <remarks>
/// The latencies go into HdrHistogram's <see cref="Recorder"/> (safe for any number of writers, a few nanoseconds each).
/// At most once a <see cref="Interval"/> the interval's histogram is taken and added to those gathered since the last
/// estimate; once they hold <see cref="SamplesPerEstimate"/> latencies, their p95 is the new estimate and they are
/// cleared. So the estimate is at least that many answers, from the last second or so when traffic is high.
/// A read is late when its answer took longer than the delay, when its hedge fell due, or when it timed out. Hedging is
/// armed at once by a late read that makes the late ones 1 % or more of the reads since the last estimate (at low
/// traffic, one late read), or by the one read watched while disarmed once it is later than the delay; it is disarmed
/// only by an estimate whose reads were under 1 % late. Until the first late read it is not armed.
/// </remarks>
internal sealed class HedgeDelay
{
    /// <summary>How often the recorded latencies are gathered.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How many latencies an estimate is made of, at least.</summary>
    public const int SamplesPerEstimate = 100;

    /// <summary>The share of late reads, in percent, that makes a tail worth hedging.</summary>
    public const int TailPercent = 1;

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
    private long _reads;
    private long _late;
    private long _watched;
    private volatile bool _armed;

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
    public TimeSpan Now
    {
        get
        {
            Gather();
            return Current();
        }
    }

    /// <summary>
    /// True while a read of the service is worth hedging: always with a fixed delay; with <c>auto</c>, while it has a
    /// tail, or as soon as the read watched in flight (<see cref="TryWatch"/>) is later than the delay.
    /// </summary>
    public bool Armed
    {
        get
        {
            if (_fixed is not null)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            Gather(now);
            var watched = Volatile.Read(ref _watched);
            if (!_armed && watched != 0 && _time.GetElapsedTime(watched, now) > Current())
            {
                _armed = true;
            }

            return _armed;
        }
    }

    /// <summary>
    /// While disarmed, watches the attempt that started at <paramref name="started"/> when no other is watched: a tail
    /// that comes back is seen once that attempt is later than the delay, not when it ends. <see cref="Unwatch"/> it then.
    /// </summary>
    public bool TryWatch(long started) =>
        _fixed is null && !_armed && Volatile.Read(ref _watched) == 0 && Interlocked.CompareExchange(ref _watched, started, 0) == 0;

    /// <summary>Ends the watch of the read that started at <paramref name="started"/>.</summary>
    public void Unwatch(long started) => Interlocked.CompareExchange(ref _watched, 0, started);

    /// <summary>Records how long an answered attempt of the service took; later than the delay, it is a late read.</summary>
    public void Observe(TimeSpan latency)
    {
        if (_fixed is null)
        {
            _recorder.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds));
            Count(late: latency > Current());
        }
    }

    /// <summary>Records a read with no answer in time: its hedge fell due, or its attempt timed out.</summary>
    public void ObserveLate()
    {
        if (_fixed is null)
        {
            Count(late: true);
        }
    }

    private TimeSpan Current()
    {
        var p95 = Volatile.Read(ref _p95Ticks);
        return _fixed ?? (p95 < 0 ? _ceiling : TimeSpan.FromTicks(Math.Clamp(p95, _floor.Ticks, _ceiling.Ticks)));
    }

    private void Count(bool late)
    {
        var reads = Interlocked.Increment(ref _reads);
        if (late && Interlocked.Increment(ref _late) * 100 >= reads * TailPercent)
        {
            _armed = true;
        }
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
                var reads = Interlocked.Exchange(ref _reads, 0);
                _armed = Interlocked.Exchange(ref _late, 0) * 100 >= reads * TailPercent && reads > 0;
            }

            Volatile.Write(ref _gatheredAt, now);
        }
    }
}
