namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// A circuit breaker: Closed, Open, HalfOpen and Isolated, shared by every concurrent call to one service and
/// operation kind. Every decision and count is taken under one short lock that is never held across an await,
/// so counts are exact and HalfOpen admits exactly <see cref="CircuitBreakerOptions.HalfOpenMaxProbes"/> probes.
/// Time comes only from the injected <see cref="TimeProvider"/>; Open turns into HalfOpen when the open duration
/// has passed, checked on every call and every reading, so no timer is ever started.
/// </summary>
/// <remarks>Helpers that must be called with the lock held end in <c>_NeedsLock</c>.</remarks>
public sealed class CircuitBreaker
{
    private const int MaxStateChanges = 50;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ConsecutiveFailureTracker _consecutiveFailures;
    private readonly FailureRatioWindow? _failureRatio;
    private readonly CircuitStateChange[] _stateChanges = new CircuitStateChange[MaxStateChanges];

    private CircuitState _state = CircuitState.Closed;
    private long _epoch;
    private DateTimeOffset _openUntil;
    private int _opensSinceClosed;
    private int _probesInFlight;
    private int _probeSuccesses;
    private int _stateChangeCount;

    private long _totalRequests;
    private long _successfulRequests;
    private long _failedRequests;
    private long _rejectedRequests;

    /// <summary>Creates a breaker; the options are validated here, so a bad value fails at start.</summary>
    public CircuitBreaker(string name, CircuitBreakerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(name, options);
        Name = name;
        Options = options with { };
        _time = timeProvider ?? TimeProvider.System;
        _consecutiveFailures = new ConsecutiveFailureTracker(options.FailureThreshold, options.FailureWindow);
        if (options.FailureRatio is { } ratio)
        {
            _failureRatio = new FailureRatioWindow(ratio, options.MinimumThroughput, options.SamplingDuration);
        }
    }

    /// <summary>Raised once per change of state, after the lock is released.</summary>
    public event Action<CircuitBreaker, CircuitStateChange>? StateChanged;

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

    /// <summary>The effective options (a copy; changing it changes nothing).</summary>
    public CircuitBreakerOptions Options { get; }

    /// <summary>The current state; reads HalfOpen as soon as the open duration has passed, with or without traffic.</summary>
    public CircuitState State
    {
        get
        {
            var pending = default(PendingChanges);
            CircuitState state;
            lock (_lock)
            {
                PromoteIfOpenElapsed_NeedsLock(ref pending);
                state = _state;
            }

            pending.Raise(this);
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
                return _consecutiveFailures.CountWithinWindow(_time.GetUtcNow().UtcTicks);
            }
        }
    }

    /// <summary>Asks to make a call. A rejection is counted here; an admitted permit must be passed to <see cref="Complete"/>.</summary>
    public CircuitPermit TryAcquire()
    {
        var pending = default(PendingChanges);
        CircuitPermit permit;
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock(ref pending);
            _totalRequests++;
            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(CircuitDecision.Allowed, _state, _epoch, null);
                    break;
                case CircuitState.HalfOpen when _probesInFlight < Options.HalfOpenMaxProbes:
                    _probesInFlight++;
                    permit = new CircuitPermit(CircuitDecision.Probe, _state, _epoch, null);
                    break;
                default:
                    _rejectedRequests++;
                    permit = new CircuitPermit(CircuitDecision.Rejected, _state, _epoch, RetryAfter_NeedsLock());
                    break;
            }
        }

        pending.Raise(this);
        return permit;
    }

    /// <summary>Records how an admitted call ended. A result from before the latest change of state only updates the counts.</summary>
    public void Complete(in CircuitPermit permit, CallOutcome outcome)
    {
        if (!permit.IsAdmitted)
        {
            throw new ArgumentException("A rejected permit has no outcome to record.", nameof(permit));
        }

        var pending = default(PendingChanges);
        lock (_lock)
        {
            Record_NeedsLock(permit, outcome, ref pending);
        }

        pending.Raise(this);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker: throws <see cref="CircuitBreakerRejectedException"/>
    /// without running it when the breaker refuses; counts an exception as a failure, except a cancellation of
    /// <paramref name="cancellationToken"/>, which counts as neither. The state argument spares a closure allocation.
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
        var pending = default(PendingChanges);
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock(ref pending);
            if (_state != CircuitState.Isolated)
            {
                TransitionTo_NeedsLock(CircuitState.Isolated, reason, _time.GetUtcNow(), ref pending);
            }
        }

        pending.Raise(this);
    }

    /// <summary>Closes the circuit from any state and clears its failure and probe counts and open-duration growth.</summary>
    public void Reset(string reason = "reset manually")
    {
        var pending = default(PendingChanges);
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock(ref pending);
            if (_state != CircuitState.Closed)
            {
                TransitionTo_NeedsLock(CircuitState.Closed, reason, _time.GetUtcNow(), ref pending);
            }

            ClearTripCounts_NeedsLock();
        }

        pending.Raise(this);
    }

    /// <summary>A consistent snapshot of state, counts, recent changes and options.</summary>
    public CircuitBreakerStatus GetStatus()
    {
        var pending = default(PendingChanges);
        CircuitBreakerStatus status;
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock(ref pending);
            var now = _time.GetUtcNow();
            var isOpen = _state == CircuitState.Open;
            status = new CircuitBreakerStatus(
                Name,
                _state,
                FailureCount: _consecutiveFailures.CountWithinWindow(now.UtcTicks),
                SuccessCount: _probeSuccesses,
                NextAttempt: isOpen ? _openUntil : null,
                RetryAfterMs: isOpen ? (long)Math.Ceiling((_openUntil - now).TotalMilliseconds) : null,
                _totalRequests,
                _successfulRequests,
                _failedRequests,
                _rejectedRequests,
                InFlightRequests: _totalRequests - _successfulRequests - _failedRequests - _rejectedRequests,
                RecentStateChanges_NeedsLock(),
                Options);
        }

        pending.Raise(this);
        return status;
    }

    private void Record_NeedsLock(in CircuitPermit permit, CallOutcome outcome, ref PendingChanges pending)
    {
        PromoteIfOpenElapsed_NeedsLock(ref pending);
        var current = permit.Epoch == _epoch;
        if (outcome == CallOutcome.Cancelled)
        {
            // Neither success nor failure: the call leaves the totals, and a probe gives its slot back.
            _totalRequests--;
            if (current && permit.Decision == CircuitDecision.Probe)
            {
                _probesInFlight--;
            }

            return;
        }

        var success = outcome == CallOutcome.Success;
        if (success)
        {
            _successfulRequests++;
        }
        else
        {
            _failedRequests++;
        }

        if (!current)
        {
            return;
        }

        if (_state == CircuitState.Closed)
        {
            RecordClosedOutcome_NeedsLock(success, ref pending);
        }
        else if (_state == CircuitState.HalfOpen)
        {
            RecordProbeOutcome_NeedsLock(success, ref pending);
        }
    }

    private void RecordClosedOutcome_NeedsLock(bool success, ref PendingChanges pending)
    {
        if (success)
        {
            _consecutiveFailures.Reset();
            _failureRatio?.RecordSuccess(_time.GetUtcNow().UtcTicks);
            return;
        }

        var now = _time.GetUtcNow();
        var consecutiveTrip = _consecutiveFailures.RecordFailure(now.UtcTicks);
        var ratioTrip = _failureRatio?.RecordFailure(now.UtcTicks) ?? false;
        if (consecutiveTrip)
        {
            Open_NeedsLock($"{Options.FailureThreshold} consecutive failures", now, ref pending);
        }
        else if (ratioTrip)
        {
            var (successes, failures) = _failureRatio!.Totals(now.UtcTicks);
            Open_NeedsLock($"failure ratio {failures}/{successes + failures} reached {Options.FailureRatio:0.##}", now, ref pending);
        }
    }

    private void RecordProbeOutcome_NeedsLock(bool success, ref PendingChanges pending)
    {
        _probesInFlight--;
        if (!success)
        {
            // One failed probe is enough: the service has not recovered.
            Open_NeedsLock("probe failed", _time.GetUtcNow(), ref pending);
            return;
        }

        _probeSuccesses++;
        if (_probeSuccesses >= Options.SuccessThreshold)
        {
            TransitionTo_NeedsLock(CircuitState.Closed, $"{_probeSuccesses} successful probes", _time.GetUtcNow(), ref pending);
            ClearTripCounts_NeedsLock();
        }
    }

    private void Open_NeedsLock(string reason, DateTimeOffset now, ref PendingChanges pending)
    {
        _opensSinceClosed++;
        _openUntil = now + CurrentOpenDuration_NeedsLock();
        TransitionTo_NeedsLock(CircuitState.Open, reason, now, ref pending);
    }

    private TimeSpan CurrentOpenDuration_NeedsLock()
    {
        var growth = Math.Pow(Options.OpenDurationMultiplier, _opensSinceClosed - 1);
        var ticks = Math.Min(Options.OpenDuration.Ticks * growth, Options.MaxOpenDuration.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private void PromoteIfOpenElapsed_NeedsLock(ref PendingChanges pending)
    {
        if (_state == CircuitState.Open && _time.GetUtcNow() >= _openUntil)
        {
            // Recorded at the moment it became due, not at the moment someone looked.
            TransitionTo_NeedsLock(CircuitState.HalfOpen, "open duration elapsed", _openUntil, ref pending);
        }
    }

    private TimeSpan? RetryAfter_NeedsLock() => _state switch
    {
        CircuitState.Open => _openUntil - _time.GetUtcNow(),
        // A probe slot frees up at the latest when the probe's attempt times out.
        CircuitState.HalfOpen => Options.AttemptTimeout,
        _ => null,
    };

    private void TransitionTo_NeedsLock(CircuitState to, string reason, DateTimeOffset at, ref PendingChanges pending)
    {
        var change = new CircuitStateChange(at, _state, to, reason);
        _state = to;
        _epoch++;
        _probesInFlight = 0;
        _probeSuccesses = 0;
        _stateChanges[_stateChangeCount % MaxStateChanges] = change;
        _stateChangeCount++;
        pending.Add(change);
    }

    private void ClearTripCounts_NeedsLock()
    {
        _consecutiveFailures.Reset();
        _failureRatio?.Reset();
        _opensSinceClosed = 0;
        _probeSuccesses = 0;
    }

    private CircuitStateChange[] RecentStateChanges_NeedsLock()
    {
        var count = Math.Min(_stateChangeCount, MaxStateChanges);
        var changes = new CircuitStateChange[count];
        for (var i = 0; i < count; i++)
        {
            changes[i] = _stateChanges[(_stateChangeCount - count + i) % MaxStateChanges];
        }

        return changes;
    }

    /// <summary>The changes made under the lock, raised as events once it is released (at most two per operation).</summary>
    private struct PendingChanges
    {
        private CircuitStateChange? _first;
        private CircuitStateChange? _second;

        public void Add(CircuitStateChange change)
        {
            if (_first is null)
            {
                _first = change;
            }
            else
            {
                _second = change;
            }
        }

        public readonly void Raise(CircuitBreaker breaker)
        {
            if (_first is null)
            {
                return;
            }

            breaker.StateChanged?.Invoke(breaker, _first);
            if (_second is not null)
            {
                breaker.StateChanged?.Invoke(breaker, _second);
            }
        }
    }
}
