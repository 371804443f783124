using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// A breaker's record of each instance of its service (each address service discovery resolved), kept beside the
/// breaker, never inside it. It chooses each call's instance (<see cref="InstanceChoice"/>), applies the
/// <see cref="EjectionPolicy"/>'s verdict on each settled call (ejects, brings back when the time is over, says how the
/// service's breaker counts the call), and keeps the list, the leases, the lock and the notifier.
/// </summary>
/// <remarks>
/// One short lock, never held across an await or a subscriber. An instance's return is noticed whenever the records are
/// used or read (with no traffic, by the guard's <see cref="DueTimer"/>), stamped with the moment it was due.
/// </remarks>
internal sealed partial class InstanceRecords
{
    private readonly Lock _lock = new();
    private readonly EjectionPolicy _policy;
    private readonly TimeSpan _failureCharge;
    private readonly BreakerClock _clock;
    private readonly InstanceChoice _choice;
    private readonly ChangeNotifier<InstanceRecords, InstanceChange> _notifier;
    private IReadOnlyList<ServiceInstance>? _listed;
    private InstanceRecord[] _instances = [];
    private long _sequence;
    private long _ejectionsRefused;
    private int _concurrencyLimit = Overload.ConcurrencyLimit.Initial;
    private int _inRotation = -1; // not known before the first call has listed the instances

    /// <summary>
    /// Records that eject by <paramref name="options"/>; from the <paramref name="breaker"/>'s options they take the
    /// slow-call duration and the attempt timeout, which a failure is charged as in the latency estimate.
    /// </summary>
    public InstanceRecords(
        string name, EjectionOptions options, CircuitBreakerOptions breaker, TimeProvider time, Random? random = null,
        Action<InstanceRecords, Exception>? onSubscriberError = null)
    {
        Name = name;
        _policy = new EjectionPolicy(options, breaker.SlowCallDuration);
        _failureCharge = breaker.AttemptTimeout;
        _clock = new BreakerClock(time);
        _choice = new InstanceChoice(random ?? Random.Shared, options.LatencyDecay);
        _notifier = new ChangeNotifier<InstanceRecords, InstanceChange>(this, onSubscriberError);
    }

    /// <summary>Raised for every ejection and return, after the lock is released, in order, one at a time.</summary>
    public event Action<InstanceRecords, InstanceChange>? Changed
    {
        add => _notifier.Subscribe(value);
        remove => _notifier.Unsubscribe(value);
    }

    /// <summary>The name of the breaker these records belong to.</summary>
    public string Name { get; }

    /// <summary>
    /// The instance of one attempt among <paramref name="instances"/> (service discovery's list, which replaces the one
    /// known before when it changed), counted in flight until it is settled: the lighter of two in rotation, away from
    /// <paramref name="avoid"/> (the instance a retried attempt failed on) while anywhere else is in rotation.
    /// </summary>
    public InstanceLease Lease(IReadOnlyList<ServiceInstance> instances, Uri? avoid = null) => LeaseOf(instances, avoid, exactly: null);

    /// <summary>
    /// A lease of the instance at <paramref name="address"/>, whatever the choice would be: the seam through which the
    /// tests of ejection, return and verdicts send a call where they need it, apart from the tests of the choice.
    /// </summary>
    internal InstanceLease LeaseExactly(IReadOnlyList<ServiceInstance> instances, Uri address) => LeaseOf(instances, avoid: null, address);

    /// <summary>
    /// Records how a leased attempt ended (its <paramref name="outcome"/>, how long it took, whether it was slow) and says
    /// how the service's breaker counts it (<see cref="EjectionPolicy.Judge"/>). A result for an instance no longer
    /// listed counts for the service alone; one for an instance ejected meanwhile is its instance's already.
    /// </summary>
    public ServiceVerdict Settle(InstanceRecord instance, CallOutcome outcome, TimeSpan duration, bool slow)
    {
        ServiceVerdict verdict;
        lock (_lock)
        {
            var now = _clock.Now();
            ReturnDue_NeedsLock(now);
            instance.InFlight--;
            verdict = outcome == CallOutcome.Cancelled ? new(outcome, Slow: false) : Judge_NeedsLock(
                instance, outcome == CallOutcome.Failure, duration, slow, now);
            Tally_NeedsLock();
        }

        _notifier.Deliver();
        return verdict;
    }

    /// <summary>Brings every instance back and forgets every streak, the growth of every ejection time and every learnt limit.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            var now = _clock.Now();
            foreach (var instance in _instances)
            {
                if (!instance.InRotation)
                {
                    Return_NeedsLock(instance, now, "breaker reset");
                }

                (instance.Streaks, instance.Ejections) = (default, 0);
                instance.Limit.Reset();
            }

            Tally_NeedsLock();
        }

        _notifier.Deliver();
    }

    private InstanceLease LeaseOf(IReadOnlyList<ServiceInstance> instances, Uri? avoid, Uri? exactly)
    {
        ArgumentOutOfRangeException.ThrowIfZero(instances.Count);
        InstanceRecord chosen;
        lock (_lock)
        {
            var now = _clock.Now();
            Track_NeedsLock(instances, now);
            ReturnDue_NeedsLock(now);
            chosen = exactly is null ? _choice.Lighter(_instances, avoid, now) : _instances.Single(i => i.Address == exactly);
            chosen.InFlight++;
            chosen.Total++;
            Tally_NeedsLock();
        }

        _notifier.Deliver();
        return new InstanceLease(this, chosen);
    }

    private ServiceVerdict Judge_NeedsLock(InstanceRecord instance, bool failed, TimeSpan duration, bool slow, TimeSpan now)
    {
        if (instance.Removed)
        {
            return new(failed ? CallOutcome.Failure : CallOutcome.Success, slow);
        }

        instance.Failed += failed ? 1 : 0;

        // A failure is charged as a call of the whole attempt timeout, to the penalty that fades fast: an instance that
        // fails fast must not attract calls, and one that recovers must not be starved for long.
        instance.Latency.Record(failed ? _failureCharge : duration, failed, now, _choice.LatencyDecay);
        instance.Limit.Record(duration, failed, instance.InFlight + 1, now);

        if (!instance.InRotation)
        {
            // A call that was in flight when its instance was ejected: that instance answers for it already.
            return new(failed ? CallOutcome.Excused : slow ? CallOutcome.ExcusedSlow : CallOutcome.Success, Slow: false);
        }

        var verdict = _policy.Judge(instance.Streaks, failed, slow, Rotation.Of(_instances, instance));
        instance.Streaks = verdict.Streaks;
        _ejectionsRefused += verdict.Refused ? 1 : 0;
        if (verdict.EjectFor is { } reason)
        {
            instance.Ejections++;
            (instance.EjectedUntil, instance.EjectionReason) = (now + _policy.Duration(instance.Ejections), reason);
            Enqueue_NeedsLock(instance, now, reason);
        }

        return verdict.Counted;
    }

    // Service discovery's list is the truth: a new address gets a record (starting at the others' latency), a vanished
    // one loses its record (a call in flight to it settles for the service alone), and the cap holds for the new list:
    // one that shrank brings back, soonest due first, the ejected instances it no longer allows. The same list again,
    // by far the usual case, changes nothing.
    private void Track_NeedsLock(IReadOnlyList<ServiceInstance> instances, TimeSpan now)
    {
        // A list older than the one followed now (its attempt resolved it before another attempt brought a newer one)
        // changes nothing: the records never go back to a list service discovery has replaced.
        if (ReferenceEquals(instances, _listed)
            || (instances is InstanceList { Version: var version } && _listed is InstanceList { Version: var current } && version < current))
        {
            return;
        }

        _listed = instances;
        if (_instances.Length == instances.Count && _instances.Select(i => i.Address).SequenceEqual(instances.Select(i => i.Address)))
        {
            return;
        }

        var previous = _instances;
        _instances = [.. instances.DistinctBy(i => i.Address).Select(
            i => previous.FirstOrDefault(r => r.Address == i.Address) ?? new InstanceRecord(i.Name, i.Address))];
        foreach (var gone in previous.Except(_instances))
        {
            gone.Removed = true;
        }

        while (Ejected_NeedsLock() > _policy.Allowed(_instances.Length))
        {
            Return_NeedsLock(_instances.Where(i => !i.InRotation).MinBy(i => i.EjectedUntil)!, now, "endpoint list changed");
        }
    }

    // The limits of the instances in rotation added up, and those instances counted. Twice a call, on the call path: a
    // loop, not a query that allocates.
    private void Tally_NeedsLock()
    {
        var (sum, inRotation) = (0, 0);
        foreach (var instance in _instances)
        {
            sum += instance.InRotation ? instance.Limit.Value : 0;
            inRotation += instance.InRotation ? 1 : 0;
        }

        Volatile.Write(ref _concurrencyLimit, Math.Max(1, sum));
        Volatile.Write(ref _inRotation, inRotation);
    }

    private int Ejected_NeedsLock() => _instances.Count(instance => !instance.InRotation);

    private void ReturnDue_NeedsLock(TimeSpan now)
    {
        foreach (var instance in _instances)
        {
            if (instance.EjectedUntil is { } until && now >= until)
            {
                Return_NeedsLock(instance, until, "ejection time over");
            }
        }
    }

    // Back in rotation with its streaks cleared, and its estimate forgotten: until a call completes on it, it is taken
    // to be as fast as the others' average (its old estimate would starve it; zero would flood it).
    private void Return_NeedsLock(InstanceRecord instance, TimeSpan at, string reason)
    {
        (instance.EjectedUntil, instance.EjectionReason, instance.Streaks, instance.Latency) = (null, null, default, default);
        Enqueue_NeedsLock(instance, at, reason);
    }

    private void Enqueue_NeedsLock(InstanceRecord instance, TimeSpan at, string reason) =>
        _notifier.Enqueue_NeedsLock(instance.ToChange(_clock, at, reason, ++_sequence, _choice.Estimate(_instances, instance, at)));
}
