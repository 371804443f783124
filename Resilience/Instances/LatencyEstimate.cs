using CircuitDemo.Resilience.Http;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// An endpoint's latency estimate, a peak EWMA as Finagle's and Linkerd's balancers keep one: a call slower than the
/// estimate sets it at once; otherwise the estimate decays exponentially (time constant <c>LatencyDecay</c>) toward the
/// faster calls, which hold it up at their own duration, and, while no call completes, toward zero, so that an endpoint
/// left idle is tried again. Not thread-safe; the records' lock guards it.
/// </summary>
internal struct LatencyEstimate
{
    private double _milliseconds;
    private TimeSpan _at; // on the records' monotonic clock

    /// <summary>False until the first call completes.</summary>
    public bool HasValue { get; private set; }

    /// <summary>The estimate at <paramref name="now"/>, in milliseconds.</summary>
    public readonly double At(TimeSpan now, TimeSpan decay) =>
        now <= _at ? _milliseconds : _milliseconds * Math.Exp(-(now - _at).Ticks / (double)decay.Ticks);

    /// <summary>Takes in one call of <paramref name="duration"/> that ended at <paramref name="now"/>.</summary>
    public void Observe(TimeSpan duration, TimeSpan now, TimeSpan decay)
    {
        _milliseconds = Math.Max(duration.TotalMilliseconds, HasValue ? At(now, decay) : 0);
        _at = now;
        HasValue = true;
    }
}
