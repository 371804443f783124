using System.Text.Json.Serialization;

namespace CircuitDemo.Contracts;

/// <summary>
/// The states of a circuit breaker, as the gateway serves them and the AppHost reads them. The numbers are the values of
/// the <c>circuit_breaker.state</c> gauge.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CircuitState>))]
public enum CircuitState
{
    /// <summary>Calls flow; failures are counted.</summary>
    Closed = 0,

    /// <summary>Calls are rejected at once until the open duration has passed.</summary>
    Open = 1,

    /// <summary>A limited number of probe calls test whether the service has recovered.</summary>
    HalfOpen = 2,

    /// <summary>Manually opened: every call is rejected until a reset.</summary>
    Isolated = 3,
}

/// <summary>Whether one endpoint (one instance) of a breaker's service gets calls.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EndpointState>))]
public enum EndpointState
{
    /// <summary>In rotation: it gets calls.</summary>
    Active,

    /// <summary>Out of rotation until its ejection time is over (or the breaker is reset).</summary>
    Ejected,
}
