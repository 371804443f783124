using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// One attempt's endpoint, counted in flight until it is settled, once.
/// </summary>
internal sealed class EndpointLease
{
    private readonly EndpointRecords _records;
    private readonly EndpointRecords.Endpoint _endpoint;
    private int _settled;

    public EndpointLease(EndpointRecords records, EndpointRecords.Endpoint endpoint) => (_records, _endpoint) = (records, endpoint);

    /// <summary>Where the attempt goes.</summary>
    public Uri Address => _endpoint.Address;

    /// <summary>The instance's name (its resource, or its pod).</summary>
    public string Name => _endpoint.Name;

    /// <summary>
    /// Records the attempt's outcome and duration (the first time only) and says how the service's breaker counts it;
    /// settled again, it changes nothing and the outcome counts as it is.
    /// </summary>
    public ServiceVerdict Settle(CallOutcome outcome, TimeSpan duration) =>
        Interlocked.Exchange(ref _settled, 1) == 0
            ? _records.Settle(_endpoint, outcome, duration)
            : new ServiceVerdict(outcome, Slow: false);
}
