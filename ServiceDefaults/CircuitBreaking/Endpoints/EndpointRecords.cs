namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// A breaker's record of each endpoint of its service (each instance service discovery resolved), for outlier
/// ejection as Envoy does it: consecutive failures of one endpoint eject it for a time that grows with each ejection,
/// within <see cref="CircuitBreakerOptions.MaxEjectionPercent"/> of the endpoints and never the last one. It also
/// chooses the endpoint of each call: of two in rotation picked at random, the one with fewer calls in flight (the
/// power of two choices of Envoy's least-request balancer), so a hung instance stops getting new calls before its
/// first timeout. And it decides which failures reach the service's breaker: only those no ejection can answer for.
/// </summary>
/// <remarks>
/// One short lock, never held across an await or a subscriber. An endpoint's return is noticed when it is due, at the
/// next choice or reading (no timer); its change is stamped with the moment it was due.
/// </remarks>
internal sealed class EndpointRecords
{
    private readonly Lock _lock = new();
    private readonly CircuitBreakerOptions _options;
    private readonly BreakerClock _clock;
    private readonly Random _random;
    private readonly ChangeNotifier<EndpointChange> _notifier;
    private Endpoint[] _endpoints = [];
    private long _sequence;

    public EndpointRecords(CircuitBreaker breaker, CircuitBreakerOptions options, TimeProvider time, Random? random, Action<CircuitBreaker, Exception>? onSubscriberError)
    {
        _options = options;
        _clock = new BreakerClock(time);
        _random = random ?? Random.Shared;
        _notifier = new ChangeNotifier<EndpointChange>(breaker, onSubscriberError);
    }

    /// <summary>Told of every ejection and return, after the lock is released, in order.</summary>
    public ChangeNotifier<EndpointChange> Notifier => _notifier;

    /// <summary>How many endpoints are ejected now.</summary>
    public int EjectedCount
    {
        get
        {
            int ejected;
            lock (_lock)
            {
                ReturnDue_NeedsLock(_clock.Now());
                ejected = _endpoints.Count(e => e.EjectedUntil is not null);
            }

            _notifier.Deliver();
            return ejected;
        }
    }

    /// <summary>
    /// Chooses the endpoint of one attempt among <paramref name="resolved"/> (service discovery's list, which replaces the
    /// one known before when it changed) and counts it in flight until <see cref="Settle"/>. A retry passes the endpoint
    /// its previous attempt failed on as <paramref name="avoid"/>: it goes elsewhere while anywhere else is in rotation.
    /// </summary>
    public EndpointLease Lease(IReadOnlyList<Uri> resolved, Uri? avoid)
    {
        ArgumentOutOfRangeException.ThrowIfZero(resolved.Count);
        Endpoint chosen;
        lock (_lock)
        {
            Track_NeedsLock(resolved);
            if (_endpoints.Length > 1)
            {
                ReturnDue_NeedsLock(_clock.Now());
            }

            chosen = Choose_NeedsLock(avoid);
            chosen.InFlight++;
            chosen.Total++;
        }

        _notifier.Deliver();
        return new EndpointLease(this, chosen);
    }

    /// <summary>
    /// Records how the leased attempt ended and says how the service's breaker should count it: a failure stays the
    /// endpoint's (<see cref="CallOutcome.EndpointFailure"/>) while the endpoint is out already, has just been ejected for
    /// it, or could still be (fewer failures than the threshold, and room under the cap); otherwise it is the service's.
    /// </summary>
    public CallOutcome Settle(Endpoint endpoint, CallOutcome outcome)
    {
        CallOutcome verdict;
        lock (_lock)
        {
            endpoint.InFlight--;
            verdict = outcome == CallOutcome.Failure ? RecordFailure_NeedsLock(endpoint) : outcome;
            if (outcome == CallOutcome.Success && endpoint.EjectedUntil is null)
            {
                endpoint.ConsecutiveFailures = 0;
            }
        }

        _notifier.Deliver();
        return verdict;
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

                endpoint.ConsecutiveFailures = 0;
                endpoint.Ejections = 0;
            }
        }

        _notifier.Deliver();
    }

    /// <summary>Every endpoint as it is now, in service discovery's order.</summary>
    public IReadOnlyList<EndpointStatus> Snapshot()
    {
        EndpointStatus[] statuses;
        lock (_lock)
        {
            ReturnDue_NeedsLock(_clock.Now());
            statuses = [.. _endpoints.Select(e => new EndpointStatus(
                e.Address.GetLeftPart(UriPartial.Authority),
                e.EjectedUntil is null ? EndpointState.Active : EndpointState.Ejected,
                e.ConsecutiveFailures,
                e.Ejections,
                e.EjectedUntil is { } until ? _clock.ToWallClock(until) : null,
                e.Total,
                e.Failed,
                e.InFlight))];
        }

        _notifier.Deliver();
        return statuses;
    }

    // Service discovery's list is the truth: a new address gets a record, a vanished one loses its record (a call in
    // flight to it settles on the record it holds). The same list again, by far the usual case, changes nothing.
    private void Track_NeedsLock(IReadOnlyList<Uri> resolved)
    {
        if (_endpoints.Length == resolved.Count && _endpoints.Select(e => e.Address).SequenceEqual(resolved))
        {
            return;
        }

        _endpoints = [.. resolved.Distinct().Select(address => _endpoints.FirstOrDefault(e => e.Address == address) ?? new Endpoint(address))];
    }

    private Endpoint Choose_NeedsLock(Uri? avoid)
    {
        if (_endpoints.Length == 1)
        {
            return _endpoints[0];
        }

        var candidates = _endpoints.Where(e => e.EjectedUntil is null).ToArray();
        if (candidates.Length == 0)
        {
            // Only when service discovery dropped every endpoint in rotation: the ejected ones are all there is.
            candidates = _endpoints;
        }

        if (avoid is not null && candidates.Length > 1 && candidates.Any(e => e.Address == avoid))
        {
            candidates = [.. candidates.Where(e => e.Address != avoid)];
        }

        if (candidates.Length == 1)
        {
            return candidates[0];
        }

        // Two different ones at random; the one with fewer calls in flight, the first on a tie.
        var first = _random.Next(candidates.Length);
        var second = _random.Next(candidates.Length - 1);
        if (second >= first)
        {
            second++;
        }

        return candidates[second].InFlight < candidates[first].InFlight ? candidates[second] : candidates[first];
    }

    private CallOutcome RecordFailure_NeedsLock(Endpoint endpoint)
    {
        endpoint.Failed++;
        if (endpoint.EjectedUntil is not null)
        {
            // A call that was in flight when its endpoint was ejected: that endpoint answers for it already.
            return CallOutcome.EndpointFailure;
        }

        endpoint.ConsecutiveFailures++;
        if (!MayEjectAnother_NeedsLock())
        {
            return CallOutcome.Failure;
        }

        if (endpoint.ConsecutiveFailures >= _options.EjectionConsecutiveFailures)
        {
            Eject_NeedsLock(endpoint, _clock.Now());
        }

        return CallOutcome.EndpointFailure;
    }

    // One more ejection stays within the cap: a share of the endpoints, rounded down, and never the last one.
    private bool MayEjectAnother_NeedsLock()
    {
        if (_options.EjectionConsecutiveFailures == 0)
        {
            return false;
        }

        var allowed = Math.Min(_endpoints.Length * _options.MaxEjectionPercent / 100, _endpoints.Length - 1);
        return _endpoints.Count(e => e.EjectedUntil is not null) < allowed;
    }

    private void Eject_NeedsLock(Endpoint endpoint, TimeSpan now)
    {
        endpoint.Ejections++;
        var time = _options.BaseEjectionTime * endpoint.Ejections;
        endpoint.EjectedUntil = now + (time < _options.MaxEjectionTime ? time : _options.MaxEjectionTime);
        Enqueue_NeedsLock(endpoint, EndpointState.Ejected, now, $"{endpoint.ConsecutiveFailures} consecutive failures");
    }

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

    private void Return_NeedsLock(Endpoint endpoint, TimeSpan at, string reason)
    {
        endpoint.EjectedUntil = null;
        endpoint.ConsecutiveFailures = 0;
        Enqueue_NeedsLock(endpoint, EndpointState.Active, at, reason);
    }

    private void Enqueue_NeedsLock(Endpoint endpoint, EndpointState state, TimeSpan at, string reason) =>
        _notifier.Enqueue_NeedsLock(new EndpointChange(
            endpoint.Address.GetLeftPart(UriPartial.Authority),
            state,
            endpoint.EjectedUntil is { } until ? _clock.ToWallClock(until) : null,
            endpoint.Ejections,
            _clock.ToWallClock(at),
            reason,
            ++_sequence));

    /// <summary>One endpoint's record; its fields are guarded by the records' lock.</summary>
    internal sealed class Endpoint(Uri address)
    {
        public Uri Address { get; } = address;

        public int ConsecutiveFailures { get; set; }

        public int Ejections { get; set; }

        /// <summary>On the monotonic clock; null while in rotation.</summary>
        public TimeSpan? EjectedUntil { get; set; }

        public int InFlight { get; set; }

        public long Total { get; set; }

        public long Failed { get; set; }
    }
}

/// <summary>One attempt's endpoint, counted in flight until it is settled, once.</summary>
internal sealed class EndpointLease(EndpointRecords records, EndpointRecords.Endpoint endpoint)
{
    private int _settled;

    /// <summary>Where the attempt goes.</summary>
    public Uri Address => endpoint.Address;

    /// <summary>Records the attempt's outcome (the first time only) and says how the service's breaker counts it.</summary>
    public CallOutcome Settle(CallOutcome outcome) =>
        Interlocked.Exchange(ref _settled, 1) == 0 ? records.Settle(endpoint, outcome) : outcome;
}
