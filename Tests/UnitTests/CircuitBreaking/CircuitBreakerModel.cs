namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// A reference model of the breaker, written from the outside contract and docs/pattern.md, "The states", as naively as possible:
/// it keeps nothing but a log of what happened and when, and answers every question by replaying the whole log from
/// the start. No epochs, no counters kept up to date, no promotion on read: time passing is just another reason for
/// the replay to move from Open to HalfOpen. Slow, and meant to be. It states the contract, not the code: the ratio
/// rule's window is only as exact as the README promises (where that leaves a verdict open, the model accepts what the
/// breaker did), and a reason is checked for what it must say, not spelled out.
/// </summary>
internal sealed partial class CircuitBreakerModel(CircuitBreakerOptions options)
{
    private readonly List<Event> _log = [];
    private int _calls;

    /// <summary>A call asks to go through at <paramref name="at"/>; returns the call's number.</summary>
    public int Acquire(TimeSpan at)
    {
        _log.Add(new Event(at, EventKind.Acquire, _calls, default, false));
        return _calls++;
    }

    /// <summary>
    /// The call ends; <paramref name="breakerOpened"/> says whether the breaker opened on it, which the model reads only
    /// where the contract allows either.
    /// </summary>
    public void Complete(int call, CallOutcome outcome, TimeSpan at, bool breakerOpened) =>
        _log.Add(new Event(at, EventKind.Complete, call, outcome, breakerOpened));

    public void Isolate(TimeSpan at) => _log.Add(new Event(at, EventKind.Isolate, -1, default, false));

    public void Reset(TimeSpan at) => _log.Add(new Event(at, EventKind.Reset, -1, default, false));

    /// <summary>Everything the contract says can be observed, as of <paramref name="now"/>.</summary>
    public ModelView ViewAt(TimeSpan now)
    {
        var replay = new Replay(options);
        foreach (var e in _log)
        {
            replay.Apply(e);
        }

        replay.LetTimePass(now);
        return replay.View(now);
    }

    private enum EventKind { Acquire, Complete, Isolate, Reset }

    private readonly record struct Event(TimeSpan At, EventKind Kind, int Call, CallOutcome Outcome, bool BreakerOpened);

    private sealed partial class Replay(CircuitBreakerOptions options)
    {
        private readonly Dictionary<int, (CircuitDecision Decision, int PeriodsBefore)> _calls = [];
        private readonly Dictionary<int, TimeSpan> _admittedAt = [];
        private readonly List<bool> _slowness = [];                   // slow or not, calls completed since the circuit last closed
        private readonly HashSet<int> _probesRunning = [];
        private readonly List<TimeSpan> _streak = [];                 // failures since the last success or close
        private readonly List<(TimeSpan At, bool Failed)> _sampled = []; // calls since the circuit last closed
        private readonly List<ModelTransition> _transitions = [];
        private readonly Dictionary<int, TimeSpan?> _retryAfter = [];
        private CircuitState _state = CircuitState.Closed;
        private TimeSpan _openUntil;
        private int _reopensSinceClosed;
        private int _probeSuccesses;
        private int _periods; // a change of state or a reset starts a new period
        private long _total, _succeeded, _failed, _rejected, _cancelled;

        public void Apply(Event e)
        {
            LetTimePass(e.At);
            switch (e.Kind)
            {
                case EventKind.Acquire:
                    Acquire(e.Call, e.At);
                    break;
                case EventKind.Complete:
                    Complete(e.Call, e.Outcome, e.At, e.BreakerOpened);
                    break;
                case EventKind.Isolate when _state != CircuitState.Isolated:
                    Move(CircuitState.Isolated, ["isolated"], e.At);
                    break;
                case EventKind.Reset:
                    if (_state != CircuitState.Closed)
                    {
                        Move(CircuitState.Closed, ["reset"], e.At);
                    }

                    // A reset starts a new period from any state, and gives back every probe slot.
                    _periods++;
                    _probesRunning.Clear();
                    ForgetTrips();
                    break;
            }
        }

        // Once the open duration has passed, the circuit is HalfOpen, from that very moment.
        public void LetTimePass(TimeSpan now)
        {
            if (_state == CircuitState.Open && now >= _openUntil)
            {
                Move(CircuitState.HalfOpen, ["open duration"], _openUntil);
            }
        }

        public ModelView View(TimeSpan now)
        {
            var open = _state == CircuitState.Open;
            return new ModelView(
                _state,
                _calls,
                _retryAfter,
                FailuresInWindow(now),
                _probeSuccesses,
                open ? _openUntil : null,
                open ? (long)Math.Ceiling((_openUntil - now).TotalMilliseconds) : null,
                _total,
                _succeeded,
                _failed,
                _rejected,
                _cancelled,
                _total - _rejected - _succeeded - _failed - _cancelled,
                _transitions);
        }

        private void Acquire(int call, TimeSpan at)
        {
            _total++;
            CircuitDecision decision;
            if (_state == CircuitState.Closed)
            {
                decision = CircuitDecision.Allowed;
            }
            else if (_state == CircuitState.HalfOpen && _probesRunning.Count < options.HalfOpenMaxProbes)
            {
                decision = CircuitDecision.Probe;
                _probesRunning.Add(call);
            }
            else
            {
                decision = CircuitDecision.Rejected;
                _rejected++;
                _retryAfter[call] = _state switch
                {
                    CircuitState.Open => _openUntil - at,
                    CircuitState.HalfOpen => options.AttemptTimeout,
                    _ => null,
                };
            }

            _calls[call] = (decision, _periods);
            _admittedAt[call] = at;
        }

        private void Complete(int call, CallOutcome outcome, TimeSpan at, bool breakerOpened)
        {
            var (decision, periodsBefore) = _calls[call];
            _probesRunning.Remove(call);
            if (outcome == CallOutcome.Cancelled)
            {
                _cancelled++;
                return;
            }

            // Contract: slow when it took longer than SlowCallDuration, from admission to completion, whatever its outcome.
            var slow = options.SlowCallDuration is { } slowCall && at - _admittedAt[call] > slowCall;
            var failed = outcome == CallOutcome.Failure;
            if (failed)
            {
                _failed++;
            }
            else
            {
                _succeeded++;
            }

            if (_periods != periodsBefore)
            {
                return; // admitted before the latest change of state or reset: counted, decides nothing
            }

            if (_state == CircuitState.Closed)
            {
                CompleteWhileClosed(failed, slow, at, breakerOpened);
            }
            else if (_state == CircuitState.HalfOpen && decision == CircuitDecision.Probe)
            {
                CompleteProbe(failed, slow, at);
            }
        }

        private void CompleteProbe(bool failed, bool slow, TimeSpan at)
        {
            if (failed || slow)
            {
                _reopensSinceClosed++;
                Open(["probe"], at);
                return;
            }

            if (++_probeSuccesses >= options.SuccessThreshold)
            {
                Move(CircuitState.Closed, [$"{_probeSuccesses}", "probe"], at);
                ForgetTrips();
            }
        }

        private int FailuresInWindow(TimeSpan now) => _streak.Count(failure => now - failure < options.FailureWindow);

        private void Open(string[] reason, TimeSpan at, string[]? or = null)
        {
            var grown = options.OpenDuration.TotalMilliseconds * Math.Pow(options.OpenDurationMultiplier, _reopensSinceClosed);
            _openUntil = at + TimeSpan.FromMilliseconds(Math.Min(grown, options.MaxOpenDuration.TotalMilliseconds));
            Move(CircuitState.Open, reason, at, or);
        }

        private void Move(CircuitState to, string[] reason, TimeSpan at, string[]? or = null)
        {
            _transitions.Add(new ModelTransition(at, _state, to, reason, or));
            _periods++;
            _state = to;
            _probeSuccesses = 0;
        }

        private void ForgetTrips()
        {
            _streak.Clear();
            _sampled.Clear();
            _slowness.Clear();
            _reopensSinceClosed = 0;
            _probeSuccesses = 0;
        }
    }
}
