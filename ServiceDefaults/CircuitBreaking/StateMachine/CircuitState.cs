using System.Text.Json.Serialization;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>The states of a circuit breaker. The numbers are the values of the <c>circuit_breaker.state</c> gauge.</summary>
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
