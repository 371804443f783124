namespace CircuitDemo.Resilience.Core;

/// <summary>How long the circuit stays Open when a failed probe reopens it.</summary>
internal static class OpenDurationGrowth
{
    /// <summary>
    /// The previous open duration times <see cref="CircuitBreakerOptions.OpenDurationMultiplier"/>, saturating at
    /// <see cref="CircuitBreakerOptions.MaxOpenDuration"/>: computed from the last duration, not from a count of
    /// reopenings, so nothing grows without bound however long a service stays down.
    /// </summary>
    public static TimeSpan Next(TimeSpan previous, CircuitBreakerOptions options)
    {
        var grown = previous.Ticks * options.OpenDurationMultiplier;
        return grown >= options.MaxOpenDuration.Ticks ? options.MaxOpenDuration : TimeSpan.FromTicks((long)grown);
    }
}
