namespace CircuitDemo.Resilience.Core;

/// <summary>
/// When a Closed circuit must open: the consecutive-failure rule, and the failure-ratio and slow-call rules when
/// configured, fed with the outcomes of the Closed period's calls. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class TripPolicy(CircuitBreakerOptions options)
{
    private readonly ConsecutiveFailureTracker _consecutive = new(options.FailureThreshold, options.FailureWindow);
    private readonly FailureRatioWindow? _ratio = options.FailureRatio is { } ratio
        ? new FailureRatioWindow(ratio, options.MinimumThroughput, options.SamplingDuration)
        : null;
    private readonly SlowCallRing? _slow = options.SlowCallDuration is not null
        ? new SlowCallRing(options.SlowCallWindow, options.SlowCallRatio)
        : null;

    /// <summary>Consecutive failures of the current streak still within the failure window.</summary>
    public int FailureCount(TimeSpan now) => _consecutive.CountWithinWindow(now.Ticks);

    /// <summary>Slow calls among the calls in the slow-call window, and how many calls it holds (0 and 0 when the rule is off).</summary>
    public (int Slow, int Calls) SlowCalls => _slow is { } ring ? (ring.SlowCount, ring.Count) : (0, 0);

    /// <summary>Failures among the calls in the failure-ratio window now (0 and 0 when the rule is off).</summary>
    public (long Failures, long Calls) RatioWindow(TimeSpan now) =>
        _ratio?.Totals(now.Ticks) is var (successes, failures) ? (failures, successes + failures) : (0, 0);

    /// <summary>
    /// A success ends the streak and counts towards the ratio (the clock is read only for the ratio); a slow one may
    /// still open the circuit by the slow-call rule. Returns why the circuit must open now, or null.
    /// </summary>
    public string? RecordSuccess(Func<TimeSpan> now, bool slow)
    {
        _consecutive.Reset();
        _ratio?.RecordSuccess(now().Ticks);
        return _slow?.Record(slow) is true ? SlowReason() : null;
    }

    /// <summary>Records a failure; returns why the circuit must open now, or null.</summary>
    public string? RecordFailure(TimeSpan now, bool slow)
    {
        var consecutiveTrip = _consecutive.RecordFailure(now.Ticks);
        var ratioTrip = _ratio?.RecordFailure(now.Ticks) ?? false;
        var slowTrip = _slow?.Record(slow) ?? false;
        if (consecutiveTrip)
        {
            return $"{options.FailureThreshold} consecutive failures";
        }

        if (ratioTrip)
        {
            var (successes, failures) = _ratio!.Totals(now.Ticks);
            return $"failure ratio {failures}/{successes + failures} reached {options.FailureRatio:0.##}";
        }

        return slowTrip ? SlowReason() : null;
    }

    /// <summary>Forgets the streak and the windows (the circuit closed, or was reset).</summary>
    public void Reset()
    {
        _consecutive.Reset();
        _ratio?.Reset();
        _slow?.Reset();
    }

    /// <summary>How the slow-call rule reads: <c>7 of 12 calls slower than 1.25 s</c>.</summary>
    public static string SlowCallsText(int slow, int calls, TimeSpan duration) =>
        $"{slow} of {calls} calls slower than {CircuitDemo.Contracts.DurationText.Seconds(duration)}";

    private string SlowReason() => SlowCallsText(_slow!.SlowCount, _slow.Count, options.SlowCallDuration!.Value);
}
