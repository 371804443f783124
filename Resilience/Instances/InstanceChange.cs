using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// An instance ejected, or back in rotation: what the stream's <c>endpoint</c> events, the ejection counter and the log
/// report. <c>EjectedUntil</c> and <c>Timestamp</c> are wall-clock time; the reason of an ejection says whether failures
/// or slow calls ran on; <c>LatencyMs</c> and <c>InFlight</c> are the instance's estimate and calls in flight then.
/// </summary>
public sealed record InstanceChange(
    string Name,
    string Address,
    EndpointState State,
    DateTimeOffset? EjectedUntil,
    int Ejections,
    DateTimeOffset Timestamp,
    string Reason,
    long Sequence,
    double LatencyMs,
    int InFlight);
