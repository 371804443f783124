namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// Whether a service's reads are worth hedging now (<c>HedgeDelay</c> auto): armed while the service has a tail, so that
/// a service without one pays nothing for hedging. <see cref="HedgeDelay"/> tells it of every read, with the delay it
/// was judged against, and of each new estimate.
/// </summary>
/// <remarks>
/// A read is late when its answer took longer than the delay, when its hedge fell due, or when it timed out. Late reads
/// that are 1 % or more of the reads since the last estimate arm it at once (at low traffic, one late read), and so does
/// the one attempt watched while disarmed, once it is older than the delay: a tail that comes back is seen then, not
/// when that attempt ends. An estimate whose reads were under 1 % late disarms it. Until the first late read it is not
/// armed.
/// </remarks>
internal sealed class HedgeArming(TimeProvider time)
{
    /// <summary>The share of late reads, in percent, that makes a tail worth hedging.</summary>
    public const int TailPercent = 1;

    private long _reads;
    private long _late;
    private long _watched;
    private volatile bool _armed;

    /// <summary>
    /// Armed now: by late reads, or by the attempt watched, once it is older than <paramref name="delay"/> at <paramref name="now"/>.
    /// </summary>
    public bool IsArmed(long now, TimeSpan delay)
    {
        var watched = Volatile.Read(ref _watched);
        if (!_armed && watched != 0 && time.GetElapsedTime(watched, now) > delay)
        {
            _armed = true;
        }

        return _armed;
    }

    /// <summary>Counts a read, late or not; late, it may arm the hedging.</summary>
    public void Count(bool late)
    {
        var reads = Interlocked.Increment(ref _reads);
        if (late && Interlocked.Increment(ref _late) * 100 >= reads * TailPercent)
        {
            _armed = true;
        }
    }

    /// <summary>A new estimate: its reads decide, and the count starts again.</summary>
    public void Estimated()
    {
        var reads = Interlocked.Exchange(ref _reads, 0);
        _armed = Interlocked.Exchange(ref _late, 0) * 100 >= reads * TailPercent && reads > 0;
    }

    /// <summary>While disarmed, watches the attempt that started at <paramref name="started"/>, when no other is watched.</summary>
    public bool TryWatch(long started) =>
        !_armed && Volatile.Read(ref _watched) == 0 && Interlocked.CompareExchange(ref _watched, started, 0) == 0;

    /// <summary>Ends the watch of the attempt that started at <paramref name="started"/>.</summary>
    public void Unwatch(long started) => Interlocked.CompareExchange(ref _watched, 0, started);
}
