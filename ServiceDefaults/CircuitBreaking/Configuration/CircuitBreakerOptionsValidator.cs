namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Checks every option against its allowed range; each message names the breaker, the option and the range.</summary>
internal static class CircuitBreakerOptionsValidator
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinAttemptTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns one message per invalid option; empty when all are valid.</summary>
    public static IReadOnlyList<string> Validate(string breakerName, CircuitBreakerOptions options)
    {
        var errors = new List<string>();
        void Check(bool ok, string option, string range, object? value)
        {
            if (!ok)
            {
                errors.Add($"Circuit breaker '{breakerName}': {option} must be {range} (was {value ?? "null"}).");
            }
        }

        Check(options.FailureThreshold is >= 1 and <= 1000, nameof(options.FailureThreshold), "between 1 and 1000", options.FailureThreshold);
        Check(IsPositive(options.FailureWindow), nameof(options.FailureWindow), "between 1 ms and 1 day", options.FailureWindow);
        Check(options.FailureRatio is null or (> 0 and <= 1), nameof(options.FailureRatio), "greater than 0 and at most 1, or unset", options.FailureRatio);
        Check(options.MinimumThroughput is >= 1 and <= 1_000_000, nameof(options.MinimumThroughput), "between 1 and 1000000", options.MinimumThroughput);
        Check(options.SamplingDuration >= TimeSpan.FromMilliseconds(10) && options.SamplingDuration <= MaxDuration, nameof(options.SamplingDuration), "between 10 ms and 1 day", options.SamplingDuration);
        Check(IsPositive(options.OpenDuration), nameof(options.OpenDuration), "between 1 ms and 1 day", options.OpenDuration);
        Check(options.OpenDurationMultiplier is >= 1 and <= 100, nameof(options.OpenDurationMultiplier), "between 1 and 100", options.OpenDurationMultiplier);
        Check(options.MaxOpenDuration >= options.OpenDuration && options.MaxOpenDuration <= MaxDuration, nameof(options.MaxOpenDuration), $"between OpenDuration ({options.OpenDuration}) and 1 day", options.MaxOpenDuration);
        Check(options.SuccessThreshold is >= 1 and <= 1000, nameof(options.SuccessThreshold), "between 1 and 1000", options.SuccessThreshold);
        Check(options.HalfOpenMaxProbes is >= 1 and <= 1000, nameof(options.HalfOpenMaxProbes), "between 1 and 1000", options.HalfOpenMaxProbes);
        Check(options.SlowCallDuration is null || IsPositive(options.SlowCallDuration.Value), nameof(options.SlowCallDuration), "between 1 ms and 1 day, or unset", options.SlowCallDuration);
        Check(options.SlowCallRatio is > 0 and <= 1, nameof(options.SlowCallRatio), "greater than 0 and at most 1", options.SlowCallRatio);
        Check(options.SlowCallWindow is >= 1 and <= 10_000, nameof(options.SlowCallWindow), "between 1 and 10000", options.SlowCallWindow);
        // Polly's concurrency limiter (System.Threading.RateLimiting) enforces it.
        Check(options.MaxConcurrentCalls is null or (>= 1 and <= 100_000), nameof(options.MaxConcurrentCalls), "between 1 and 100000, or unset", options.MaxConcurrentCalls);
        Check(options.EjectionConsecutiveFailures is >= 0 and <= 1000, nameof(options.EjectionConsecutiveFailures), "between 0 and 1000", options.EjectionConsecutiveFailures);
        Check(IsPositive(options.BaseEjectionTime), nameof(options.BaseEjectionTime), "between 1 ms and 1 day", options.BaseEjectionTime);
        Check(options.MaxEjectionTime >= options.BaseEjectionTime && options.MaxEjectionTime <= MaxDuration, nameof(options.MaxEjectionTime), $"between BaseEjectionTime ({options.BaseEjectionTime}) and 1 day", options.MaxEjectionTime);
        Check(options.MaxEjectionPercent is >= 0 and <= 100, nameof(options.MaxEjectionPercent), "between 0 and 100", options.MaxEjectionPercent);
        // Polly's timeout strategy, which runs it, refuses anything under 10 ms or over a day.
        Check(options.AttemptTimeout >= MinAttemptTimeout && options.AttemptTimeout <= MaxDuration, nameof(options.AttemptTimeout), "between 10 ms and 1 day", options.AttemptTimeout);
        Check(options.MaxResponseBodyBytes is >= 1024 and <= 1024 * 1024 * 1024, nameof(options.MaxResponseBodyBytes), "between 1024 and 1073741824", options.MaxResponseBodyBytes);
        return errors;
    }

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing every invalid option.</summary>
    public static void ThrowIfInvalid(string breakerName, CircuitBreakerOptions options)
    {
        var errors = Validate(breakerName, options);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid circuit breaker configuration: " + string.Join(" ", errors));
        }
    }

    private static bool IsPositive(TimeSpan value) => value >= TimeSpan.FromMilliseconds(1) && value <= MaxDuration;
}
