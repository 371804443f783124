using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.ServiceDefaults.Endpoints;

/// <summary>
/// One attempt's endpoint, counted in flight until it is settled, once; or, refused, the one endpoint the attempt had to
/// go to while it is out of rotation (nothing in flight, nothing to settle).
/// </summary>
internal sealed class EndpointLease
{
    private readonly EndpointRecords? _records;
    private readonly EndpointRecords.Endpoint _endpoint;
    private int _settled;

    public EndpointLease(EndpointRecords records, EndpointRecords.Endpoint endpoint) => (_records, _endpoint) = (records, endpoint);

    private EndpointLease(EndpointRecords.Endpoint endpoint, TimeSpan retryAfter) => (_endpoint, RetryAfter) = (endpoint, retryAfter);

    /// <summary>Where the attempt goes.</summary>
    public Uri Address => _endpoint.Address;

    /// <summary>The instance's name (its resource, or its pod).</summary>
    public string Name => _endpoint.Name;

    /// <summary>True when the attempt must not be sent: its one endpoint is out of rotation for <see cref="RetryAfter"/>.</summary>
    public bool IsRefused => _records is null;

    /// <summary>For a refused lease, how long until its endpoint is back.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>A lease that sends nothing: the endpoint the attempt must go to is ejected for <paramref name="retryAfter"/> more.</summary>
    public static EndpointLease Refused(EndpointRecords.Endpoint endpoint, TimeSpan retryAfter) => new(endpoint, retryAfter);

    /// <summary>
    /// Records the attempt's outcome and duration (the first time only) and says how the service's breaker counts it;
    /// settled again, or refused, it changes nothing and the outcome counts as it is.
    /// </summary>
    public ServiceVerdict Settle(CallOutcome outcome, TimeSpan duration) =>
        _records is not null && Interlocked.Exchange(ref _settled, 1) == 0
            ? _records.Settle(_endpoint, outcome, duration)
            : new ServiceVerdict(outcome, Slow: false);
}
