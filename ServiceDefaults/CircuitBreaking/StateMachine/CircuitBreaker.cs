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
    private readonly BreakerClock _clock;
    private readonly CircuitBreakerOptions _options;
    private readonly TripPolicy _tripPolicy;
    private readonly OpenPeriod _openPeriod;
    private readonly StateChangeHistory _history = new();
    private readonly ChangeNotifier<CircuitStateChange> _notifier;
    private readonly CallCounts _counts = new();
    private readonly EndpointRecords _endpoints;
    private readonly Func<TimeSpan> _now;

    private CircuitState _state = CircuitState.Closed;
    private long _epoch;
    private long _lastProbeId;
    private int _probeSuccesses;

    // The probes still running, by id: each holds a slot until it completes, whichever HalfOpen period admitted it. A
    // set rather than a count, so that a permit completed twice gives back nothing the second time, and a reset can
    // give every slot back (a probe that never completes would otherwise hold its slot for good).
    private readonly HashSet<long> _probesInFlight = [];

    // Probes still running whose slots a reset gave back: completed once more, they change nothing but the counts.
    private readonly HashSet<long> _probesReleased = [];

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
        _clock = new BreakerClock(timeProvider ?? TimeProvider.System);
        _openPeriod = new OpenPeriod(_options);
        _notifier = new ChangeNotifier<CircuitStateChange>(this, onSubscriberError);
        _tripPolicy = new TripPolicy(_options);
        _endpoints = new EndpointRecords(this, _options, timeProvider ?? TimeProvider.System, random: null, onSubscriberError);
        _now = Now;
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

    /// <summary>
    /// Raised when an endpoint of the service is ejected or back in rotation, never under a lock, in order, one at a
    /// time; a subscriber's exception is caught as for <see cref="StateChanged"/>.
    /// </summary>
    public event Action<CircuitBreaker, EndpointChange>? EndpointChanged
    {
        add => _endpoints.Notifier.Subscribe(value);
        remove => _endpoints.Notifier.Unsubscribe(value);
    }

    /// <summary>The record of each endpoint of the service: ejection, and the choice of each call's endpoint.</summary>
    internal EndpointRecords Endpoints => _endpoints;

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

    /// <summary>The options the breaker was built with. Immutable; <see cref="GetStatus"/> hands out a copy.</summary>
    internal CircuitBreakerOptions Options => _options;

    /// <summary>The current state; reads HalfOpen as soon as the open duration has passed, with or without traffic.</summary>
    public CircuitState State
    {
        get
        {
            CircuitState state;
            lock (_lock)
            {
                PromoteIfOpenElapsed_NeedsLock();
                state = _state;
            }

            _notifier.Deliver();
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
                return _tripPolicy.FailureCount(Now());
            }
        }
    }

    /// <summary>Asks to make a call. A rejection is counted here; an admitted permit must be passed to <see cref="Complete"/>.</summary>
    internal CircuitPermit TryAcquire()
    {
        CircuitPermit permit;
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock();
            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(this, CircuitDecision.Allowed, _state, _epoch, null, admittedAt: AdmissionTime());
                    break;
                case CircuitState.HalfOpen when _probesInFlight.Count < _options.HalfOpenMaxProbes:
                    _probesInFlight.Add(++_lastProbeId);
                    permit = new CircuitPermit(this, CircuitDecision.Probe, _state, _epoch, null, _lastProbeId, AdmissionTime());
                    break;
                default:
                    permit = new CircuitPermit(this, CircuitDecision.Rejected, _state, _epoch, RetryAfter_NeedsLock());
                    break;
            }

            _counts.Asked(permit.IsAdmitted);
        }

        _notifier.Deliver();
        return permit;
    }

    /// <summary>
    /// Records how an admitted call ended. A result from before the latest change of state (or a reset) only updates
    /// the counts. Returns whether the call was slow (always false with the slow-call rule off).
    /// </summary>
    /// <exception cref="ArgumentException">The permit was rejected, or issued by another breaker.</exception>
    /// <exception cref="InvalidOperationException">The permit was completed already.</exception>
    internal bool Complete(in CircuitPermit permit, CallOutcome outcome)
    {
        if (!permit.IsAdmitted)
        {
            throw new ArgumentException("A rejected permit has no outcome to record.", nameof(permit));
        }

        if (!ReferenceEquals(permit.Issuer, this))
        {
            throw new ArgumentException($"The permit was not issued by circuit breaker '{Name}'.", nameof(permit));
        }

        bool slow;
        lock (_lock)
        {
            if (!CanComplete_NeedsLock(permit))
            {
                throw new InvalidOperationException($"The permit of circuit breaker '{Name}' was completed already.");
            }

            // Slow by the monotonic clock, from admission to completion; a cancelled call is neither slow nor fast.
            slow = outcome != CallOutcome.Cancelled && _options.SlowCallDuration is { } slowCall && Now() - permit.AdmittedAt > slowCall;
            Record_NeedsLock(permit, outcome, slow);
        }

        _notifier.Deliver();
        return slow;
    }

    /// <summary>
    /// Counts a call that the breaker's concurrency limit turned away before it asked for a permit: a rejection in the
    /// totals, nothing else.
    /// </summary>
    internal void CountRejected()
    {
        lock (_lock)
        {
            _counts.Asked(admitted: false);
        }
    }

    /// <summary>Manually opens the circuit until <see cref="Reset"/>, from any state.</summary>
    public void Isolate(string reason = "isolated manually") => MoveByHand(CircuitState.Isolated, reason);

    /// <summary>
    /// Closes the circuit from any state and clears its failure and probe counts and open-duration growth; every
    /// ejected endpoint is back, and every endpoint's ejection growth is forgotten.
    /// </summary>
    public void Reset(string reason = "reset manually")
    {
        MoveByHand(CircuitState.Closed, reason);
        _endpoints.Reset();
    }

    /// <summary>A consistent snapshot of state, counts, recent changes and (a copy of) the options.</summary>
    public CircuitBreakerStatus GetStatus()
    {
        CircuitBreakerStatus status;
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock();
            var now = Now();
            var isOpen = _state == CircuitState.Open;
            var untilProbe = _openPeriod.Until - now;
            var slowCalls = _tripPolicy.SlowCalls;
            status = new CircuitBreakerStatus(
                Name,
                _state,
                FailureCount: _tripPolicy.FailureCount(now),
                SuccessCount: _probeSuccesses,
                NextAttempt: isOpen ? _clock.ToWallClock(_openPeriod.Until) : null,
                RetryAfterMs: isOpen ? (long)Math.Ceiling(untilProbe.TotalMilliseconds) : null,
                _counts.Total,
                _counts.Successful,
                _counts.Failed,
                _counts.Rejected,
                _counts.Cancelled,
                _counts.InFlight,
                slowCalls.Slow,
                slowCalls.Calls,
                _history.Recent(),
                _options with { });
        }

        _notifier.Deliver();

        // Read apart from the state, under the records' own lock: the endpoints are the records', not the state machine's.
        return status with { Endpoints = _endpoints.Snapshot() };
    }

    private void MoveByHand(CircuitState to, string reason)
    {
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock();
            if (_state != to)
            {
                var now = Now();
                TransitionTo_NeedsLock(to, reason, now);
            }
            else if (to == CircuitState.Closed)
            {
                // A reset always starts a new period, even from Closed: a call admitted before it cannot count toward
                // the streak that follows it (as after Isolate then Reset).
                _epoch++;
            }

            if (to == CircuitState.Closed)
            {
                ClearTripCounts_NeedsLock();
                _probesReleased.UnionWith(_probesInFlight);
                _probesInFlight.Clear();
            }
        }

        _notifier.Deliver();
    }

    // Monotonic time since the breaker was built: immune to the wall clock being stepped. Read only where a decision
    // needs it, so that a call through a Closed breaker reads no clock.
    private TimeSpan Now() => _clock.Now();

    // The slow-call rule alone needs an admitted call's start: with it off, admitting reads no clock.
    private TimeSpan AdmissionTime() => _options.SlowCallDuration is null ? default : Now();

    private void Record_NeedsLock(in CircuitPermit permit, CallOutcome outcome, bool slow)
    {
        PromoteIfOpenElapsed_NeedsLock();
        if (permit.Decision == CircuitDecision.Probe)
        {
            // Every probe still running holds a slot, whichever HalfOpen period admitted it: HalfOpen never has
            // more than HalfOpenMaxProbes calls in flight, even when an attempt outlives a short open duration.
            // After a reset gave every slot back, a late probe has none left to give.
            if (!_probesInFlight.Remove(permit.ProbeId))
            {
                _probesReleased.Remove(permit.ProbeId);
            }
        }

        _counts.Completed(outcome);
        if (outcome is CallOutcome.Cancelled or CallOutcome.EndpointFailure || permit.Epoch != _epoch)
        {
            return;
        }

        if (_state == CircuitState.Closed)
        {
            RecordClosedOutcome_NeedsLock(outcome == CallOutcome.Success, slow);
        }
        else if (_state == CircuitState.HalfOpen)
        {
            RecordProbeOutcome_NeedsLock(outcome == CallOutcome.Success, slow);
        }
    }

    // A probe is completed once: while it holds its slot, or after a reset took the slot back. Any other permit while
    // some admitted call is still in flight, so that no count ever goes below zero.
    private bool CanComplete_NeedsLock(in CircuitPermit permit) =>
        _counts.InFlight > 0 &&
        (permit.Decision != CircuitDecision.Probe || _probesInFlight.Contains(permit.ProbeId) || _probesReleased.Contains(permit.ProbeId));

    private void RecordClosedOutcome_NeedsLock(bool success, bool slow)
    {
        if (success)
        {
            if (_tripPolicy.RecordSuccess(_now, slow) is { } slowReason)
            {
                Open_NeedsLock(slowReason, Now(), reopening: false);
            }

            return;
        }

        var now = Now();
        if (_tripPolicy.RecordFailure(now, slow) is { } reason)
        {
            Open_NeedsLock(reason, now, reopening: false);
        }
    }

    private void RecordProbeOutcome_NeedsLock(bool success, bool slow)
    {
        if (!success)
        {
            // One failed probe is enough: the service has not recovered.
            Open_NeedsLock("probe failed", Now(), reopening: true);
        }
        else if (slow)
        {
            // A probe that answered, but late: the brownout is not over.
            Open_NeedsLock($"probe slower than {CircuitDemo.Contracts.DurationText.Seconds(_options.SlowCallDuration!.Value)}", Now(), reopening: true);
        }
        else if (++_probeSuccesses >= _options.SuccessThreshold)
        {
            TransitionTo_NeedsLock(CircuitState.Closed, $"{_probeSuccesses} successful probes", Now());
            ClearTripCounts_NeedsLock();
        }
    }

    private void Open_NeedsLock(string reason, TimeSpan now, bool reopening)
    {
        _openPeriod.Start(now, reopening);
        TransitionTo_NeedsLock(CircuitState.Open, reason, now);
    }

    private void PromoteIfOpenElapsed_NeedsLock()
    {
        if (_state == CircuitState.Open && Now() >= _openPeriod.Until)
        {
            // Recorded at the moment it became due, not at the moment someone looked.
            TransitionTo_NeedsLock(CircuitState.HalfOpen, "open duration elapsed", _openPeriod.Until);
        }
    }

    private TimeSpan? RetryAfter_NeedsLock() => _state switch
    {
        CircuitState.Open => _openPeriod.Until - Now(),
        // A probe slot frees up at the latest when the probe's attempt times out.
        CircuitState.HalfOpen => _options.AttemptTimeout,
        _ => null,
    };

    private void TransitionTo_NeedsLock(CircuitState to, string reason, TimeSpan at)
    {
        var change = new CircuitStateChange(_clock.ToWallClock(at), _state, to, reason) { Sequence = _history.Count + 1 };
        _state = to;
        _epoch++;
        _probeSuccesses = 0;
        _history.Add(change);
        _notifier.Enqueue_NeedsLock(change);
    }

    private void ClearTripCounts_NeedsLock()
    {
        _tripPolicy.Reset();
        _openPeriod.ForgetGrowth();
        _probeSuccesses = 0;
    }
}
