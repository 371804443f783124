using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// A circuit breaker: Closed, Open, HalfOpen and Isolated, shared by every concurrent call to one service and
/// operation kind. Every decision and count is taken under one short lock that is never held across an await,
/// so counts are exact and HalfOpen admits exactly <see cref="CircuitBreakerOptions.HalfOpenMaxProbes"/> probes.
/// Durations run on the monotonic clock of the injected <see cref="TimeProvider"/> (a wall clock stepping back or
/// forward changes nothing); wall-clock time is only for display. Open turns into HalfOpen when the open duration
/// has passed, checked on every call and every reading, so the breaker starts no timer of its own.
/// </summary>
/// <remarks>Helpers that must be called with the lock held end in <c>_NeedsLock</c>.</remarks>
public sealed partial class CircuitBreaker
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly BreakerClock _clock;
    private readonly CircuitBreakerOptions _options;
    private readonly TripPolicy _tripPolicy;
    private readonly OpenPeriod _openPeriod;
    private readonly StateChangeHistory _history = new();
    private readonly ChangeNotifier<CircuitBreaker, CircuitStateChange> _notifier;
    private readonly CallCounts _counts = new();
    private readonly ProbeSlots _probes;
    private readonly Func<TimeSpan> _now;
    private CircuitState _state = CircuitState.Closed;
    private long _epoch;
    private int _probeSuccesses;

    /// <summary>Creates a breaker; its options are validated where they are bound (by the options framework, at start).</summary>
    /// <param name="name">The breaker's name, as in <c>payment-service</c> or <c>payment-service:write</c>.</param>
    /// <param name="options">The options; the breaker keeps its own copy, so changing them later changes nothing.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="onSubscriberError">Told when a <see cref="StateChanged"/> subscriber throws (the breaker carries on regardless).</param>
    public CircuitBreaker(
        string name, CircuitBreakerOptions options, TimeProvider? timeProvider = null, Action<CircuitBreaker, Exception>? onSubscriberError = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _options = options with { };
        _time = timeProvider ?? TimeProvider.System;
        _clock = new BreakerClock(_time);
        _openPeriod = new OpenPeriod(_options);
        _notifier = new ChangeNotifier<CircuitBreaker, CircuitStateChange>(this, onSubscriberError);
        _tripPolicy = new TripPolicy(_options);
        _probes = new ProbeSlots(_options.HalfOpenMaxProbes);
        _now = Now;
    }

    /// <summary>Raised once per change of state, in order, one at a time, never under the lock; a subscriber's exception is caught.</summary>
    public event Action<CircuitBreaker, CircuitStateChange>? StateChanged
    {
        add => _notifier.Subscribe(value);
        remove => _notifier.Unsubscribe(value);
    }

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

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
                    permit = new CircuitPermit(this, CircuitDecision.Allowed, _state, _epoch, null);
                    break;
                case CircuitState.HalfOpen when _probes.TryTake() is > 0 and var probeId:
                    permit = new CircuitPermit(this, CircuitDecision.Probe, _state, _epoch, null, probeId);
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
    /// Records how an admitted call ended, and whether it was slow (over <c>SlowCallDuration</c>, as the caller timed
    /// it). A result from before the latest change of state (or a reset) only updates the counts.
    /// </summary>
    /// <exception cref="ArgumentException">The permit was rejected, or issued by another breaker.</exception>
    /// <exception cref="InvalidOperationException">The permit was completed already.</exception>
    internal void Complete(in CircuitPermit permit, CallOutcome outcome, bool slow = false)
    {
        permit.ThrowIfNotAdmittedBy(this);
        lock (_lock)
        {
            if (!CanComplete_NeedsLock(permit))
            {
                throw new InvalidOperationException($"The permit of circuit breaker '{Name}' was completed already.");
            }

            Record_NeedsLock(permit, outcome, slow && _options.SlowCallDuration is not null);
        }

        _notifier.Deliver();
    }

    /// <summary>Counts a call the concurrency limit turned away before it asked for a permit: a rejection in the totals.</summary>
    internal void CountRejected()
    {
        lock (_lock)
        {
            _counts.Asked(admitted: false);
        }
    }

    /// <summary>Manually opens the circuit until <see cref="Reset"/>, from any state.</summary>
    public void Isolate(string reason = "isolated manually") => MoveByHand(CircuitState.Isolated, reason);

    /// <summary>Closes the circuit from any state and clears its failure and probe counts and its open-duration growth.</summary>
    public void Reset(string reason = "reset manually") => MoveByHand(CircuitState.Closed, reason);

    private void MoveByHand(CircuitState to, string reason)
    {
        lock (_lock)
        {
            PromoteIfOpenElapsed_NeedsLock();
            if (_state != to)
            {
                TransitionTo_NeedsLock(to, reason, Now());
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
                _probes.ReleaseAll();
            }
        }

        _notifier.Deliver();
    }

    // Monotonic time, immune to a stepped wall clock; read only where a decision needs it (a Closed call reads none).
    private TimeSpan Now() => _clock.Now();

    private void Record_NeedsLock(in CircuitPermit permit, CallOutcome outcome, bool slow)
    {
        PromoteIfOpenElapsed_NeedsLock();
        if (permit.Decision == CircuitDecision.Probe)
        {
            _probes.GiveBack(permit.ProbeId);
        }

        _counts.Completed(outcome);
        if (outcome is not (CallOutcome.Success or CallOutcome.Failure) || permit.Epoch != _epoch)
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

    // A probe is completed once, while it runs; any other permit while some admitted call is in flight (no count below 0).
    private bool CanComplete_NeedsLock(in CircuitPermit permit) =>
        _counts.InFlight > 0 && (permit.Decision != CircuitDecision.Probe || _probes.IsRunning(permit.ProbeId));

    private void RecordClosedOutcome_NeedsLock(bool success, bool slow)
    {
        var reason = success ? _tripPolicy.RecordSuccess(_now, slow) : _tripPolicy.RecordFailure(Now(), slow);
        if (reason is not null)
        {
            Open_NeedsLock(reason, Now(), reopening: false);
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
            Open_NeedsLock($"probe slower than {Contracts.DurationText.Seconds(_options.SlowCallDuration!.Value)}", Now(), reopening: true);
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
        _probeSuccesses = 0;
    }
}
