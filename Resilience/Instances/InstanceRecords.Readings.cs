using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Instances;

/// <summary>The records' readings: each takes the lock, brings back the instances that are due, and reads.</summary>
internal sealed partial class InstanceRecords
{
    /// <summary>How many instances are ejected now.</summary>
    public int EjectedCount => Read(static records => records.Ejected_NeedsLock());

    /// <summary>How many instances may be out at once now: the policy's cap on the list as it is.</summary>
    public int EjectionsAllowed => Read(static records => records._policy.Allowed(records._instances.Length));

    /// <summary>Ejections the cap refused so far: an instance reached its threshold while as many as allowed were out.</summary>
    public long EjectionsRefused => Read(static records => records._ejectionsRefused);

    /// <summary>
    /// How many calls the service may have in flight: the sum of its instances' limits (<see cref="Overload.ConcurrencyLimit"/>)
    /// in rotation, so that a slow or ejected instance shrinks only its own share. As of the last call leased or settled.
    /// </summary>
    public int ConcurrencyLimit => Volatile.Read(ref _concurrencyLimit);

    /// <summary>How many instances are in rotation, as of the last call leased or settled; -1 before the first.</summary>
    public int InRotation => Volatile.Read(ref _inRotation);

    /// <summary>The last change of an instance's concurrency limit: <c>payment-service-2: latency</c>, and when; null before any.</summary>
    public (string Change, DateTimeOffset At)? LastLimitChange => Read(static records =>
        records._instances.Where(i => i.Limit.LastChange is not null).MaxBy(i => i.Limit.LastChangeAt) is { } last
            ? ($"{last.Name}: {last.Limit.LastChange}", records._clock.ToWallClock(last.Limit.LastChangeAt))
            : ((string, DateTimeOffset)?)null);

    /// <summary>How long until the next ejected instance is back; null when none is out.</summary>
    public TimeSpan? DueIn => Read(static records => records._instances.Where(i => !i.InRotation).Min(i => i.EjectedUntil) - records._clock.Now());

    /// <summary>Every instance as it is now, in service discovery's order.</summary>
    public IReadOnlyList<EndpointStatus> Snapshot() => Read(static records =>
    {
        var now = records._clock.Now();
        return (IReadOnlyList<EndpointStatus>)[.. records._instances.Select(
            i => i.ToStatus(records._clock, records._choice.Estimate(records._instances, i, now)))];
    });

    // Every reading brings back the instances whose time is over first, and delivers those returns outside the lock.
    private T Read<T>(Func<InstanceRecords, T> read)
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
}
