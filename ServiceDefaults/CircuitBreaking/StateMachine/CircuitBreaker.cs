namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// A circuit breaker: Closed, Open, HalfOpen and Isolated, shared by every concurrent call to one service and
/// operation kind. Every decision and count is taken under one short lock that is never held across an await,
/// so counts are exact and HalfOpen admits exactly <see cref="CircuitBreakerOptions.HalfOpenMaxProbes"/> probes.
/// Durations run on the monotonic clock of the injected <see cref="TimeProvider"/> (a wall clock stepping back or
/// forward changes nothing); wall-clock time is only for display. Open turns into HalfOpen when the open duration
/// has passed, checked on every call and every reading, so no timer is ever started.
/// </summary>
/// <remarks>Helpers that must be called with the lock held end in <c>_NeedsLock</c>.</remarks>
public sealed class CircuitBreaker
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _createdAt;
    private readonly CircuitBreakerOptions _options;
    private readonly ConsecutiveFailureTracker _consecutiveFailures;
    private readonly FailureRatioWindow? _failureRatio;
    private readonly StateChangeHistory _history = new();
    private readonly StateChangeNotifier _notifier;

    private CircuitState _state = CircuitState.Closed;
    private long _epoch;
    private TimeSpan _openUntil;
    private TimeSpan _openDuration;
    private int _probesInFlight;
    private int _probeSuccesses;

    private long _totalRequests;
    private long _successfulRequests;
    private long _failedRequests;
    private long _rejectedRequests;
    private long _cancelledRequests;

    /// <summary>Creates a breaker; the options are validated here, so a bad value fails at start.</summary>
    /// <param name="name">The breaker's name, as in <c>payment-service</c> or <c>payment-service:write</c>.</param>
    /// <param name="options">The options; the breaker keeps its own copy, so changing them later changes nothing.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="onSubscriberError">Told when a <see cref="StateChanged"/> subscriber throws (the breaker carries on regardless).</param>
    public CircuitBreaker(string name, CircuitBreakerOptions options, TimeProvider? timeProvider = null, Action<CircuitBreaker, Exception>? onSubscriberError = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(name, options);
        Name = name;
        _options = options with { };
        _time = timeProvider ?? TimeProvider.System;
        _createdAt = _time.GetTimestamp();
        _openDuration = _options.OpenDuration;
        _notifier = new StateChangeNotifier(this, onSubscriberError);
        _consecutiveFailures = new ConsecutiveFailureTracker(_options.FailureThreshold, _options.FailureWindow);
        if (_options.FailureRatio is { } ratio)
        {
            _failureRatio = new FailureRatioWindow(ratio, _options.MinimumThroughput, _options.SamplingDuration);
        }
    }

    /// <summary>
    /// Raised once per change of state, never under the breaker's lock, in the order the changes happened and one at
    /// a time. An exception thrown by a subscriber is caught: it reaches neither the caller nor the other subscribers.
    /// </summary>
    public event Action<CircuitBreaker, CircuitStateChange>? StateChanged
    {
        add => _notifier.Subscribe(value);
        remove => _notifier.Unsubscribe(value);
    }

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

    /// <summary>The options the breaker was built with. Immutable; <see cref="GetStatus"/> hands out a copy.</summary>
    internal CircuitBreakerOptions Options => _options;

    /// <summary>The current state; reads HalfOpen as soon as the open duration has passed, with or without traffic.</summary>
    public CircuitState State
    {
        get
        {
            bool changed;
            CircuitState state;
            lock (_lock)
            {
                changed = PromoteIfOpenElapsed_NeedsLock(Now());
                state = _state;
            }

            DeliverIf(changed);
            return state;
        }
    }

    /// <summary>Consecutive failures of the current streak still within the failure window (what the threshold is compared with).</summary>
    public int FailureCount
    {
        get
        {
            lock (_lock)
            {
                return _consecutiveFailures.CountWithinWindow(Now().Ticks);
            }
        }
    }

    /// <summary>Asks to make a call. A rejection is counted here; an admitted permit must be passed to <see cref="Complete"/>.</summary>
    public CircuitPermit TryAcquire()
    {
        bool changed;
        CircuitPermit permit;
        lock (_lock)
        {
            var now = Now();
            changed = PromoteIfOpenElapsed_NeedsLock(now);
            _totalRequests++;
            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(CircuitDecision.Allowed, _state, _epoch, null);
                    break;
                case CircuitState.HalfOpen when _probesInFlight < _options.HalfOpenMaxProbes:
                    _probesInFlight++;
                    permit = new CircuitPermit(CircuitDecision.Probe, _state, _epoch, null);
                    break;
                default:
                    _rejectedRequests++;
                    permit = new CircuitPermit(CircuitDecision.Rejected, _state, _epoch, RetryAfter_NeedsLock(now));
                    break;
            }
        }

        DeliverIf(changed);
        return permit;
    }

    /// <summary>Records how an admitted call ended. A result from before the latest change of state only updates the counts.</summary>
    public void Complete(in CircuitPermit permit, CallOutcome outcome)
    {
        if (!permit.IsAdmitted)
        {
            throw new ArgumentException("A rejected permit has no outcome to record.", nameof(permit));
        }

        bool changed;
        lock (_lock)
        {
            changed = Record_NeedsLock(permit, outcome, Now());
        }

        DeliverIf(changed);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker: throws <see cref="CircuitBreakerRejectedException"/>
    /// without running it when the breaker refuses; counts an exception as a failure, except a cancellation of
    /// <paramref name="cancellationToken"/>, which is counted apart. The state argument spares a closure allocation.
    /// </summary>
    public ValueTask<TResult> ExecuteAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> operation, TState state, CancellationToken cancellationToken = default)
    {
        var permit = TryAcquire();

        // A rejection is handed back as a faulted ValueTask, not thrown here: it is thrown once, where it is awaited,
        // instead of being thrown, caught by an async state machine and thrown again.
        return permit.IsAdmitted
            ? ExecuteAdmittedAsync(permit, operation, state, cancellationToken)
            : ValueTask.FromException<TResult>(new CircuitBreakerRejectedException(Name, permit.State, permit.RetryAfter));
    }

    private async ValueTask<TResult> ExecuteAdmittedAsync<TState, TResult>(
        CircuitPermit permit, Func<TState, CancellationToken, ValueTask<TResult>> operation, TState state, CancellationToken cancellationToken)
    {
        TResult result;
        try
        {
            result = await operation(state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Complete(permit, OutcomeClassifier.Classify(exception, cancellationToken));
            throw;
        }

        Complete(permit, CallOutcome.Success);
        return result;
    }

    /// <summary>Manually opens the circuit until <see cref="Reset"/>, from any state.</summary>
    public void Isolate(string reason = "isolated manually")
    {
        bool changed;
        lock (_lock)
        {
            var now = Now();
            changed = PromoteIfOpenElapsed_NeedsLock(now);
            if (_state != CircuitState.Isolated)
            {
                TransitionTo_NeedsLock(CircuitState.Isolated, reason, now, now);
                changed = true;
            }
        }

        DeliverIf(changed);
    }

    /// <summary>Closes the circuit from any state and clears its failure and probe counts and open-duration growth.</summary>
    public void Reset(string reason = "reset manually")
    {
        bool changed;
        lock (_lock)
        {
            var now = Now();
            changed = PromoteIfOpenElapsed_NeedsLock(now);
            if (_state != CircuitState.Closed)
            {
                TransitionTo_NeedsLock(CircuitState.Closed, reason, now, now);
                changed = true;
            }

            ClearTripCounts_NeedsLock();
        }

        DeliverIf(changed);
    }

    /// <summary>A consistent snapshot of state, counts, recent changes and (a copy of) the options.</summary>
    public CircuitBreakerStatus GetStatus()
    {
        bool changed;
        CircuitBreakerStatus status;
        lock (_lock)
        {
            var now = Now();
            changed = PromoteIfOpenElapsed_NeedsLock(now);
            var isOpen = _state == CircuitState.Open;
            var untilProbe = _openUntil - now;
            status = new CircuitBreakerStatus(
                Name,
                _state,
                FailureCount: _consecutiveFailures.CountWithinWindow(now.Ticks),
                SuccessCount: _probeSuccesses,
                NextAttempt: isOpen ? _time.GetUtcNow() + untilProbe : null,
                RetryAfterMs: isOpen ? (long)Math.Ceiling(untilProbe.TotalMilliseconds) : null,
                _totalRequests,
                _successfulRequests,
                _failedRequests,
                _rejectedRequests,
                _cancelledRequests,
                InFlightRequests: _totalRequests - _successfulRequests - _failedRequests - _rejectedRequests - _cancelledRequests,
                _history.Recent(),
                _options with { });
        }

        DeliverIf(changed);
        return status;
    }

    // Monotonic time since the breaker was built: immune to the wall clock being stepped.
    private TimeSpan Now() => _time.GetElapsedTime(_createdAt);

    private void DeliverIf(bool changed)
    {
        if (changed)
        {
            _notifier.Deliver();
        }
    }

    private bool Record_NeedsLock(in CircuitPermit permit, CallOutcome outcome, TimeSpan now)
    {
        var changed = PromoteIfOpenElapsed_NeedsLock(now);
        if (permit.Decision == CircuitDecision.Probe)
        {
            // Every probe still running holds a slot, whichever HalfOpen period admitted it: HalfOpen never has
            // more than HalfOpenMaxProbes calls in flight, even when an attempt outlives a short open duration.
            _probesInFlight--;
        }

        switch (outcome)
        {
            case CallOutcome.Cancelled:
                _cancelledRequests++;
                return changed;
            case CallOutcome.Success:
                _successfulRequests++;
                break;
            default:
                _failedRequests++;
                break;
        }

        if (permit.Epoch != _epoch)
        {
            return changed;
        }

        var success = outcome == CallOutcome.Success;
        return _state switch
        {
            CircuitState.Closed => RecordClosedOutcome_NeedsLock(success, now) | changed,
            CircuitState.HalfOpen => RecordProbeOutcome_NeedsLock(success, now) | changed,
            _ => changed,
        };
    }

    private bool RecordClosedOutcome_NeedsLock(bool success, TimeSpan now)
    {
        if (success)
        {
            _consecutiveFailures.Reset();
            _failureRatio?.RecordSuccess(now.Ticks);
            return false;
        }

        var consecutiveTrip = _consecutiveFailures.RecordFailure(now.Ticks);
        var ratioTrip = _failureRatio?.RecordFailure(now.Ticks) ?? false;
        if (consecutiveTrip)
        {
            Open_NeedsLock($"{_options.FailureThreshold} consecutive failures", now, reopening: false);
            return true;
        }

        if (ratioTrip)
        {
            var (successes, failures) = _failureRatio!.Totals(now.Ticks);
            Open_NeedsLock($"failure ratio {failures}/{successes + failures} reached {_options.FailureRatio:0.##}", now, reopening: false);
            return true;
        }

        return false;
    }

    private bool RecordProbeOutcome_NeedsLock(bool success, TimeSpan now)
    {
        if (!success)
        {
            // One failed probe is enough: the service has not recovered.
            Open_NeedsLock("probe failed", now, reopening: true);
            return true;
        }

        _probeSuccesses++;
        if (_probeSuccesses < _options.SuccessThreshold)
        {
            return false;
        }

        TransitionTo_NeedsLock(CircuitState.Closed, $"{_probeSuccesses} successful probes", now, now);
        ClearTripCounts_NeedsLock();
        return true;
    }

    private void Open_NeedsLock(string reason, TimeSpan now, bool reopening)
    {
        _openDuration = reopening ? OpenDurationGrowth.Next(_openDuration, _options) : _options.OpenDuration;
        _openUntil = now + _openDuration;
        TransitionTo_NeedsLock(CircuitState.Open, reason, now, now);
    }

    private bool PromoteIfOpenElapsed_NeedsLock(TimeSpan now)
    {
        if (_state != CircuitState.Open || now < _openUntil)
        {
            return false;
        }

        // Recorded at the moment it became due, not at the moment someone looked.
        TransitionTo_NeedsLock(CircuitState.HalfOpen, "open duration elapsed", _openUntil, now);
        return true;
    }

    private TimeSpan? RetryAfter_NeedsLock(TimeSpan now) => _state switch
    {
        CircuitState.Open => _openUntil - now,
        // A probe slot frees up at the latest when the probe's attempt times out.
        CircuitState.HalfOpen => _options.AttemptTimeout,
        _ => null,
    };

    private void TransitionTo_NeedsLock(CircuitState to, string reason, TimeSpan at, TimeSpan now)
    {
        var wallClockAt = _time.GetUtcNow() - (now - at);
        var change = new CircuitStateChange(wallClockAt, _state, to, reason) { Sequence = _history.Count + 1 };
        _state = to;
        _epoch++;
        _probeSuccesses = 0;
        _history.Add(change);
        _notifier.Enqueue_NeedsLock(change);
    }

    private void ClearTripCounts_NeedsLock()
    {
        _consecutiveFailures.Reset();
        _failureRatio?.Reset();
        _openDuration = _options.OpenDuration;
        _probeSuccesses = 0;
    }
}
