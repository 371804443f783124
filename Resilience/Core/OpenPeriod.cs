namespace CircuitDemo.Resilience.Core;

/// <summary>
/// How long the circuit stays Open: the open duration, grown by each reopening without a close in between
/// (<see cref="OpenDurationGrowth"/>), and when the current period ends, on the breaker's monotonic clock.
/// Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class OpenPeriod(CircuitBreakerOptions options)
{
    private TimeSpan _duration = options.OpenDuration;

    /// <summary>When the current (or last) Open period ends.</summary>
    public TimeSpan Until { get; private set; }

    /// <summary>
    /// Starts a period at <paramref name="now"/>: after a failed probe, the last one grown; otherwise (opened from
    /// Closed) the open duration itself. Every way to a grown period passes through an opening from Closed, so this is
    /// where the growth is forgotten once the circuit has closed.
    /// </summary>
    public void Start(TimeSpan now, bool reopening)
    {
        _duration = reopening ? OpenDurationGrowth.Next(_duration, options) : options.OpenDuration;
        Until = now + _duration;
    }
}
