using System.Text.Json.Serialization;

namespace CircuitDemo.Resilience.Core;

/// <summary>What the breaker decided for one call; the value of the span tag <c>circuit_breaker.decision</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CircuitDecision>))]
internal enum CircuitDecision
{
    /// <summary>Closed: the call goes through.</summary>
    Allowed,

    /// <summary>HalfOpen: the call goes through as one of the limited probes.</summary>
    Probe,

    /// <summary>The call is refused without reaching the service.</summary>
    Rejected,
}
