using System.Text.Json.Serialization;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Whether an endpoint of a breaker's service gets calls.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EndpointState>))]
public enum EndpointState
{
    /// <summary>In rotation: it gets calls.</summary>
    Active,

    /// <summary>Out of rotation until its ejection time is over (or the breaker is reset).</summary>
    Ejected,
}

/// <summary>
/// One endpoint of a breaker's service, as <c>/circuit-breakers</c> shows it. <c>TotalRequests</c> counts every attempt
/// sent to it (in flight ones too), <c>FailedRequests</c> those that failed; <c>EjectedUntil</c> is wall-clock time, for
/// display.
/// </summary>
public sealed record EndpointStatus(
    string Address,
    EndpointState State,
    int ConsecutiveFailures,
    int Ejections,
    DateTimeOffset? EjectedUntil,
    long TotalRequests,
    long FailedRequests,
    int InFlightRequests);

/// <summary>An endpoint ejected, or back in rotation: what the stream's <c>endpoint</c> events and the ejection counter report.</summary>
public sealed record EndpointChange(
    string Address,
    EndpointState State,
    DateTimeOffset? EjectedUntil,
    int Ejections,
    DateTimeOffset Timestamp,
    string Reason,
    long Sequence);
