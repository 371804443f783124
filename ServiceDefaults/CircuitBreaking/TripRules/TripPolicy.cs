namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// When a Closed circuit must open: the consecutive-failure rule, and the failure-ratio rule when configured, fed
/// with the outcomes of the Closed period's calls. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class TripPolicy(CircuitBreakerOptions options)
{
    private readonly ConsecutiveFailureTracker _consecutive = new(options.FailureThreshold, options.FailureWindow);
    private readonly FailureRatioWindow? _ratio = options.FailureRatio is { } ratio
        ? new FailureRatioWindow(ratio, options.MinimumThroughput, options.SamplingDuration)
        : null;

    /// <summary>Consecutive failures of the current streak still within the failure window.</summary>
    public int FailureCount(TimeSpan now) => _consecutive.CountWithinWindow(now.Ticks);

    /// <summary>A success ends the streak and counts towards the ratio (the clock is read only for the ratio).</summary>
    public void RecordSuccess(Func<TimeSpan> now)
    {
        _consecutive.Reset();
        _ratio?.RecordSuccess(now().Ticks);
    }

    /// <summary>Records a failure; returns why the circuit must open now, or null.</summary>
    public string? RecordFailure(TimeSpan now)
    {
        var consecutiveTrip = _consecutive.RecordFailure(now.Ticks);
        var ratioTrip = _ratio?.RecordFailure(now.Ticks) ?? false;
        if (consecutiveTrip)
        {
            return $"{options.FailureThreshold} consecutive failures";
        }

        if (!ratioTrip)
        {
            return null;
        }

        var (successes, failures) = _ratio!.Totals(now.Ticks);
        return $"failure ratio {failures}/{successes + failures} reached {options.FailureRatio:0.##}";
    }

    /// <summary>Forgets the streak and the ratio's window (the circuit closed, or was reset).</summary>
    public void Reset()
    {
        _consecutive.Reset();
        _ratio?.Reset();
    }
}
