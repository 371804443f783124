using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// A breaker's record of each endpoint of its service (each instance service discovery resolved), kept beside the
/// breaker, never inside it. It chooses each call's endpoint (<see cref="EndpointChoice"/>: the lighter of two in
/// rotation by latency estimate times calls in flight), ejects an endpoint whose failures or slow
/// calls run on (as Envoy's outlier detection does, capped by <see cref="CircuitBreakerOptions.MaxEjectionPercent"/> and
/// never the last one), brings it back when its time is over, and says how the service's breaker counts each call: a
/// failure or a slow call its endpoint answers for is left out of the service's trip rules.
/// </summary>
/// <remarks>
/// One short lock of its own, never held across an await or a subscriber. An endpoint's return is noticed whenever the
/// records are used or read (and, with no traffic, by the guard's <see cref="DueTimer"/>); it is stamped with the
/// moment it was due.
/// </remarks>
internal sealed class EndpointRecords
{
    private readonly Lock _lock = new();
    private readonly CircuitBreakerOptions _options;
    private readonly BreakerClock _clock;
    private readonly EndpointChoice _choice;
    private readonly ChangeNotifier<EndpointRecords, EndpointChange> _notifier;
    private IReadOnlyList<ServiceInstance>? _listed;
    private Endpoint[] _endpoints = [];
    private long _sequence;
    private long _ejectionsRefused;

    public EndpointRecords(string name, CircuitBreakerOptions options, TimeProvider time, Random? random = null, Action<EndpointRecords, Exception>? onSubscriberError = null)
    {
        Name = name;
        _options = options;
        _clock = new BreakerClock(time);
        _choice = new EndpointChoice(random ?? Random.Shared, options.LatencyDecay);
        _notifier = new ChangeNotifier<EndpointRecords, EndpointChange>(this, onSubscriberError);
    }

    /// <summary>Raised for every ejection and return, after the lock is released, in order, one at a time.</summary>
    public event Action<EndpointRecords, EndpointChange>? Changed
    {
        add => _notifier.Subscribe(value);
        remove => _notifier.Unsubscribe(value);
    }

    /// <summary>The name of the breaker these records belong to.</summary>
    public string Name { get; }

    /// <summary>How many endpoints are ejected now.</summary>
    public int EjectedCount => Read(static records => records.Ejected_NeedsLock());

    /// <summary>Ejections the cap refused so far: an endpoint reached its threshold while as many as allowed were out.</summary>
    public long EjectionsRefused => Read(static records => records._ejectionsRefused);

    /// <summary>How long until the next ejected endpoint is back; null when none is out.</summary>
    public TimeSpan? DueIn => Read(static records => records.DueIn_NeedsLock());

    /// <summary>
    /// The endpoint of one attempt among <paramref name="instances"/> (service discovery's list, which replaces the one
    /// known before when it changed), counted in flight until it is settled: the lighter of two in rotation, away from
    /// <paramref name="avoid"/> (the endpoint a retried attempt failed on) while anywhere else is in rotation.
    /// </summary>
    public EndpointLease Lease(IReadOnlyList<ServiceInstance> instances, Uri? avoid = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(instances.Count);
        EndpointLease lease;
        lock (_lock)
        {
            var now = _clock.Now();
            Track_NeedsLock(instances, now);
            ReturnDue_NeedsLock(now);
            lease = Lease_NeedsLock(_choice.Lighter(_endpoints, avoid, now));
        }

        _notifier.Deliver();
        return lease;
    }

    /// <summary>
    /// A lease of the instance at <paramref name="address"/>, whatever the choice would be: the seam through which the
    /// tests of ejection, return and verdicts send a call where they need it, apart from the tests of the choice.
    /// </summary>
    internal EndpointLease LeaseExactly(IReadOnlyList<ServiceInstance> instances, Uri address)
    {
        EndpointLease lease;
        lock (_lock)
        {
            var now = _clock.Now();
            Track_NeedsLock(instances, now);
            ReturnDue_NeedsLock(now);
            lease = Lease_NeedsLock(_endpoints.Single(endpoint => endpoint.Address == address));
        }

        _notifier.Deliver();
        return lease;
    }

    /// <summary>
    /// Records how a leased attempt ended (its <paramref name="outcome"/>, and how long it took) and says how the
    /// service's breaker counts it. A failure, or a slow call, stays the endpoint's while the endpoint answers for it: it
    /// is out already, it has just been ejected for it, or one more endpoint may still be ejected and not every endpoint
    /// in rotation is failing (or slow) alike. A result for an endpoint no longer listed counts for the service alone.
    /// </summary>
    public ServiceVerdict Settle(Endpoint endpoint, CallOutcome outcome, TimeSpan duration)
    {
        ServiceVerdict verdict;
        lock (_lock)
        {
            var now = _clock.Now();
            ReturnDue_NeedsLock(now);
            endpoint.InFlight--;
            verdict = outcome == CallOutcome.Cancelled ? new(outcome, Slow: false) : Judge_NeedsLock(endpoint, outcome == CallOutcome.Failure, duration, now);
        }

        _notifier.Deliver();
        return verdict;
    }

    private EndpointLease Lease_NeedsLock(Endpoint chosen)
    {
        chosen.InFlight++;
        chosen.Total++;
        return new EndpointLease(this, chosen);
    }

    /// <summary>Brings every endpoint back and forgets every streak and the growth of every ejection time.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            var now = _clock.Now();
            foreach (var endpoint in _endpoints)
            {
                if (endpoint.EjectedUntil is not null)
                {
                    Return_NeedsLock(endpoint, now, "breaker reset");
                }

                (endpoint.ConsecutiveFailures, endpoint.ConsecutiveSlowCalls, endpoint.Ejections) = (0, 0, 0);
            }
        }

        _notifier.Deliver();
    }

    /// <summary>Every endpoint as it is now, in service discovery's order.</summary>
    public IReadOnlyList<EndpointStatus> Snapshot() => Read(static records =>
    {
        var now = records._clock.Now();
        return (IReadOnlyList<EndpointStatus>)[.. records._endpoints.Select(e => new EndpointStatus(
            e.Name,
            e.Authority,
            e.EjectedUntil is null ? EndpointState.Active : EndpointState.Ejected,
            e.ConsecutiveFailures,
            e.ConsecutiveSlowCalls,
            e.Ejections,
            e.EjectedUntil is { } until ? records._clock.ToWallClock(until) : null,
            e.EjectionReason,
            e.Total,
            e.Failed,
            Math.Round(records._choice.Estimate(records._endpoints, e, now), 2),
            e.InFlight))];
    });

    // Every reading brings back the endpoints whose time is over first, and delivers those returns outside the lock.
    private T Read<T>(Func<EndpointRecords, T> read)
    {
        T value;
        lock (_lock)
        {
            ReturnDue_NeedsLock(_clock.Now());
            value = read(this);
        }

        _notifier.Deliver();
        return value;
    }

    private ServiceVerdict Judge_NeedsLock(Endpoint endpoint, bool failed, TimeSpan duration, TimeSpan now)
    {
        var slow = _options.SlowCallDuration is { } slowCall && duration > slowCall;
        var outcome = failed ? CallOutcome.Failure : CallOutcome.Success;
        if (endpoint.Removed)
        {
            return new(outcome, slow);
        }

        endpoint.Failed += failed ? 1 : 0;

        // A failure is charged as a call of the whole attempt timeout: an instance that fails fast must not attract calls.
        endpoint.Latency.Observe(failed ? _options.AttemptTimeout : duration, now, _options.LatencyDecay);
        if (endpoint.EjectedUntil is not null)
        {
            // A call that was in flight when its endpoint was ejected: that endpoint answers for it already.
            return new(failed ? CallOutcome.Excused : slow ? CallOutcome.ExcusedSlow : outcome, Slow: false);
        }

        endpoint.ConsecutiveFailures = failed ? endpoint.ConsecutiveFailures + 1 : 0;
        endpoint.ConsecutiveSlowCalls = slow ? endpoint.ConsecutiveSlowCalls + 1 : 0;
        var byFailures = failed ? EjectIfDue_NeedsLock(endpoint, endpoint.ConsecutiveFailures, _options.EjectionConsecutiveFailures, now, $"{endpoint.ConsecutiveFailures} consecutive failures") : Ejection.NotDue;
        var bySlowCalls = slow && byFailures != Ejection.Ejected
            ? EjectIfDue_NeedsLock(endpoint, endpoint.ConsecutiveSlowCalls, SlowEjectionThreshold, now, $"{endpoint.ConsecutiveSlowCalls} consecutive calls slower than {DurationText.Seconds(_options.SlowCallDuration!.Value)}")
            : Ejection.NotDue;
        var ejected = byFailures == Ejection.Ejected || bySlowCalls == Ejection.Ejected;

        // One call is one ejection refused at most, even when it brings both streaks to their thresholds.
        _ejectionsRefused += byFailures == Ejection.Refused || bySlowCalls == Ejection.Refused ? 1 : 0;

        // A slow call the endpoint answers for is neutral for the service, as a failure it answers for is: not a fast
        // success (it would dilute the slow-call window, and as a probe it could close the circuit).
        var slowExcused = slow && (ejected || AnswersFor_NeedsLock(SlowEjectionThreshold, static e => e.ConsecutiveSlowCalls));
        if (failed)
        {
            var excused = ejected || AnswersFor_NeedsLock(_options.EjectionConsecutiveFailures, static e => e.ConsecutiveFailures);
            return new(excused ? CallOutcome.Excused : outcome, Slow: slow && !slowExcused);
        }

        return slowExcused ? new(CallOutcome.ExcusedSlow, Slow: false) : new(outcome, slow);
    }

    // Slow calls eject only with the slow-call rule on: without SlowCallDuration no call is slow.
    private int SlowEjectionThreshold => _options.SlowCallDuration is null ? 0 : _options.EjectionConsecutiveSlowCalls;

    // The endpoint answers for a failure (or a slow call) while one more endpoint may still be ejected for it, and not
    // every endpoint in rotation is on such a streak: then it is the service that fails, and its breaker must hear it.
    private bool AnswersFor_NeedsLock(int threshold, Func<Endpoint, int> streak) =>
        threshold > 0 && Ejected_NeedsLock() < EjectionsAllowed && _endpoints.Any(e => e.EjectedUntil is null && streak(e) == 0);

    // One more ejection stays within the cap: a share of the endpoints, rounded down, and never the last one.
    private int EjectionsAllowed => Math.Min(_endpoints.Length * _options.MaxEjectionPercent / 100, _endpoints.Length - 1);

    // Refused by the cap only when the streak reaches the threshold (once per streak; one endpoint alone is never
    // ejected, which is no refusal).
    private Ejection EjectIfDue_NeedsLock(Endpoint endpoint, int streak, int threshold, TimeSpan now, string reason)
    {
        if (threshold == 0 || streak < threshold)
        {
            return Ejection.NotDue;
        }

        if (Ejected_NeedsLock() >= EjectionsAllowed)
        {
            return streak == threshold && _endpoints.Length > 1 ? Ejection.Refused : Ejection.NotDue;
        }

        endpoint.Ejections++;
        var time = _options.BaseEjectionTime * endpoint.Ejections;
        endpoint.EjectedUntil = now + (time < _options.MaxEjectionTime ? time : _options.MaxEjectionTime);
        endpoint.EjectionReason = reason;
        Enqueue_NeedsLock(endpoint, now, reason);
        return Ejection.Ejected;
    }

    // Service discovery's list is the truth: a new address gets a record (starting at the others' latency), a vanished
    // one loses its record (a call in flight to it settles for the service alone), and the cap holds for the new list:
    // one that shrank brings back, soonest due first, the ejected endpoints it no longer allows. The same list again,
    // by far the usual case, changes nothing.
    private void Track_NeedsLock(IReadOnlyList<ServiceInstance> instances, TimeSpan now)
    {
        if (ReferenceEquals(instances, _listed))
        {
            return;
        }

        // A list older than the one followed now (its attempt resolved it before another attempt brought a newer one)
        // changes nothing: the records never go back to a list service discovery has replaced.
        if (instances is InstanceList { Version: var version } && _listed is InstanceList { Version: var current } && version < current)
        {
            return;
        }

        _listed = instances;
        if (_endpoints.Length == instances.Count && _endpoints.Select(e => e.Address).SequenceEqual(instances.Select(i => i.Address)))
        {
            return;
        }

        var previous = _endpoints;
        _endpoints = [.. instances.DistinctBy(i => i.Address).Select(i => previous.FirstOrDefault(e => e.Address == i.Address) ?? new Endpoint(i.Name, i.Address))];
        foreach (var gone in previous.Except(_endpoints))
        {
            gone.Removed = true;
        }

        while (Ejected_NeedsLock() > Math.Max(EjectionsAllowed, 0))
        {
            Return_NeedsLock(_endpoints.Where(e => e.EjectedUntil is not null).MinBy(e => e.EjectedUntil)!, now, "endpoint list changed");
        }
    }

    private int Ejected_NeedsLock()
    {
        var ejected = 0;
        foreach (var endpoint in _endpoints)
        {
            ejected += endpoint.EjectedUntil is null ? 0 : 1;
        }

        return ejected;
    }

    private TimeSpan? DueIn_NeedsLock() =>
        _endpoints.Where(e => e.EjectedUntil is not null).Min(e => e.EjectedUntil) - _clock.Now();

    private void ReturnDue_NeedsLock(TimeSpan now)
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.EjectedUntil is { } until && now >= until)
            {
                Return_NeedsLock(endpoint, until, "ejection time over");
            }
        }
    }

    // Back in rotation with its streaks cleared, and its estimate forgotten: until a call completes on it, it is taken
    // to be as fast as the others' average (its old estimate would starve it; zero would flood it).
    private void Return_NeedsLock(Endpoint endpoint, TimeSpan at, string reason)
    {
        (endpoint.EjectedUntil, endpoint.EjectionReason) = (null, null);
        (endpoint.ConsecutiveFailures, endpoint.ConsecutiveSlowCalls) = (0, 0);
        endpoint.Latency = default;
        Enqueue_NeedsLock(endpoint, at, reason);
    }

    private void Enqueue_NeedsLock(Endpoint endpoint, TimeSpan at, string reason) =>
        _notifier.Enqueue_NeedsLock(new EndpointChange(
            endpoint.Name,
            endpoint.Authority,
            endpoint.EjectedUntil is null ? EndpointState.Active : EndpointState.Ejected,
            endpoint.EjectedUntil is { } until ? _clock.ToWallClock(until) : null,
            endpoint.Ejections,
            _clock.ToWallClock(at),
            reason,
            ++_sequence,
            Math.Round(_choice.Estimate(_endpoints, endpoint, at), 2),
            endpoint.InFlight));

    /// <summary>One endpoint's record; its fields are guarded by the records' lock.</summary>
    internal sealed class Endpoint(string name, Uri address)
    {
        public string Name { get; } = name;

        public Uri Address { get; } = address;

        /// <summary>The address as <c>/circuit-breakers</c> shows it: scheme, host and port.</summary>
        public string Authority { get; } = address.GetLeftPart(UriPartial.Authority);

        public int ConsecutiveFailures { get; set; }

        public int ConsecutiveSlowCalls { get; set; }

        public int Ejections { get; set; }

        /// <summary>On the monotonic clock; null while in rotation.</summary>
        public TimeSpan? EjectedUntil { get; set; }

        public string? EjectionReason { get; set; }

        /// <summary>Empty until a call completes on it, and again once it is back from an ejection.</summary>
        public LatencyEstimate Latency;

        public int InFlight { get; set; }

        public long Total { get; set; }

        public long Failed { get; set; }

        /// <summary>No longer in service discovery's list: results of calls still in flight count for the service alone.</summary>
        public bool Removed { get; set; }
    }

    private enum Ejection
    {
        NotDue,
        Ejected,
        Refused,
    }
}
