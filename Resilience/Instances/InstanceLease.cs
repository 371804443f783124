using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// One attempt's instance, counted in flight until it is settled, once.
/// </summary>
internal sealed class InstanceLease
{
    private readonly InstanceRecords _records;
    private readonly InstanceRecord _instance;
    private int _settled;

    public InstanceLease(InstanceRecords records, InstanceRecord instance) => (_records, _instance) = (records, instance);

    /// <summary>Where the attempt goes.</summary>
    public Uri Address => _instance.Address;

    /// <summary>The instance's name (its resource, or its pod).</summary>
    public string Name => _instance.Name;

    /// <summary>
    /// Records the attempt's outcome, duration and slowness (the first time only) and says how the service's breaker counts it;
    /// settled again, it changes nothing and the outcome counts as it is.
    /// </summary>
    public ServiceVerdict Settle(CallOutcome outcome, TimeSpan duration, bool slow) =>
        Interlocked.Exchange(ref _settled, 1) == 0
            ? _records.Settle(_instance, outcome, duration, slow)
            : new ServiceVerdict(outcome, Slow: false);
}
