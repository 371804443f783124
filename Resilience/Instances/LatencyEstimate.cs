namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// An instance's latency estimate: a peak EWMA of its answered calls, as Finagle's and Linkerd's balancers keep one (a
/// call slower than the estimate sets it at once; otherwise it decays exponentially, time constant <c>LatencyDecay</c>,
/// toward the faster calls, and, while no call completes, toward zero), beside a penalty that fades ten times faster. A
/// failure is charged to the penalty (as a call of the whole attempt timeout), and so is an instance's first answered
/// call, which is usually cold (a new connection, code not yet compiled): either keeps calls away for a moment, not for
/// the minute a peak of that size would, so a recovered, new or returned instance is back to its share within seconds.
/// Not thread-safe; the records' lock guards it.
/// </summary>
internal struct LatencyEstimate
{
    /// <summary>How many times faster the penalty fades than the latency.</summary>
    public const int PenaltyFadesFaster = 10;

    private double _latency;
    private TimeSpan _latencyAt; // on the records' monotonic clock
    private double _penalty;
    private TimeSpan _penaltyAt;
    private bool _answered;

    /// <summary>False until a latency has been measured: from the instance's second answered call on.</summary>
    public bool HasLatency { get; private set; }

    /// <summary>False until a call has completed, answered or failed.</summary>
    public bool HasValue { get; private set; }

    /// <summary>The estimate at <paramref name="now"/>: the latency, and at least the penalty; null before any call completed.</summary>
    public readonly double? At(TimeSpan now, TimeSpan decay) =>
        !HasValue ? null : Math.Max(HasLatency ? LatencyAt(now, decay) : 0, PenaltyAt(now, decay));

    /// <summary>The latency at <paramref name="now"/>, in milliseconds (0 before one is measured).</summary>
    public readonly double LatencyAt(TimeSpan now, TimeSpan decay) => Decayed(_latency, _latencyAt, now, decay);

    /// <summary>The penalty at <paramref name="now"/>, in milliseconds: what a failure or a cold first call left.</summary>
    public readonly double PenaltyAt(TimeSpan now, TimeSpan decay) => Decayed(_penalty, _penaltyAt, now, decay / PenaltyFadesFaster);

    /// <summary>Takes in one call that ended at <paramref name="now"/>: a failure's charge, or an answered call's duration.</summary>
    public void Record(TimeSpan duration, bool failed, TimeSpan now, TimeSpan decay)
    {
        if (failed)
        {
            Penalize(duration, now, decay);
        }
        else
        {
            Observe(duration, now, decay);
        }
    }

    /// <summary>Takes in one answered call of <paramref name="duration"/> that ended at <paramref name="now"/>.</summary>
    public void Observe(TimeSpan duration, TimeSpan now, TimeSpan decay)
    {
        if (!_answered)
        {
            _answered = true;
            Penalize(duration, now, decay);
            return;
        }

        _latency = Math.Max(duration.TotalMilliseconds, HasLatency ? LatencyAt(now, decay) : 0);
        _latencyAt = now;
        (HasLatency, HasValue) = (true, true);
    }

    /// <summary>Charges <paramref name="charge"/> (a failure's: the whole attempt timeout) to the penalty.</summary>
    public void Penalize(TimeSpan charge, TimeSpan now, TimeSpan decay)
    {
        _penalty = Math.Max(charge.TotalMilliseconds, PenaltyAt(now, decay));
        _penaltyAt = now;
        HasValue = true;
    }

    private static double Decayed(double value, TimeSpan at, TimeSpan now, TimeSpan decay) =>
        now <= at ? value : value * Math.Exp(-(now - at).Ticks / (double)decay.Ticks);
}
