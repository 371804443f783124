using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>What a breaker shows: its state, its counts and its status, each read under its lock, as one consistent reading.</summary>
public sealed partial class CircuitBreaker
{
    /// <summary>The options the breaker was built with. Immutable; <see cref="GetStatus"/> hands out a copy.</summary>
    internal CircuitBreakerOptions Options => _options;

    /// <summary>When a call starts, read only with the slow-call rule on; <see cref="IsSlow(long)"/> says if it is slow now.</summary>
    internal long StartTiming() => _options.SlowCallDuration is null ? 0 : _time.GetTimestamp();

    internal bool IsSlow(long started) => _options.SlowCallDuration is not null && IsSlow(_time.GetElapsedTime(started));

    /// <summary>The one definition of slow: a call that took longer than <c>SlowCallDuration</c> (never, with the rule off).</summary>
    internal bool IsSlow(TimeSpan duration) => _options.SlowCallDuration is { } slowCall && duration > slowCall;

    /// <summary>The current state; reads HalfOpen as soon as the open duration has passed, with or without traffic.</summary>
    public CircuitState State => Read(static breaker => breaker._state);

    /// <summary>Consecutive failures of the current streak still within the failure window (what the threshold is compared with).</summary>
    public int FailureCount => Read(static breaker => breaker._tripPolicy.FailureCount(breaker.Now()));

    /// <summary>How long until the circuit turns HalfOpen by itself (while Open); null when nothing is due.</summary>
    internal TimeSpan? DueIn =>
        Read(static breaker => breaker._state == CircuitState.Open ? breaker._openPeriod.Until - breaker.Now() : (TimeSpan?)null);

    /// <summary>A consistent snapshot of state, counts, recent changes and (a copy of) the options.</summary>
    public CircuitBreakerStatus GetStatus() => Read(static breaker => breaker.Status_NeedsLock());

    // Every reading promotes Open to HalfOpen when due, and delivers the change it may have made, outside the lock.
    private T Read<T>(Func<CircuitBreaker, T> read)
    {
        T value;
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock();
            value = read(this);
        }

        _notifier.Deliver();
        return value;
    }

    private CircuitBreakerStatus Status_NeedsLock()
    {
        var (now, isOpen) = (Now(), _state == CircuitState.Open);
        var (slowCalls, ratio) = (_tripPolicy.SlowCalls, _tripPolicy.RatioWindow(now));
        return new CircuitBreakerStatus(
            Name,
            _state,
            FailureCount: _tripPolicy.FailureCount(now),
            SuccessCount: _probeSuccesses,
            NextAttempt: isOpen ? _clock.ToWallClock(_openPeriod.Until) : null,
            RetryAfterMs: isOpen ? (long)Math.Ceiling((_openPeriod.Until - now).TotalMilliseconds) : null,
            _counts.Total, _counts.Successful, _counts.Failed, _counts.Rejected, _counts.Cancelled, _counts.InFlight,
            slowCalls.Slow, slowCalls.Calls, ratio.Failures, ratio.Calls,
            _history.Recent(),
            _options with { });
    }
}
