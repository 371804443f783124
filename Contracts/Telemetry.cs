namespace CircuitDemo.Contracts;

/// <summary>Names the services' telemetry is found by, outside the process that records it.</summary>
public static class Telemetry
{
    /// <summary>The breakers' meter: <c>circuit_breaker.state</c>, <c>.transitions</c>, <c>.calls</c>.</summary>
    public const string CircuitBreakerMeter = "CircuitDemo.CircuitBreaker";

    /// <summary>The breakers' state gauge (0 Closed, 1 Open, 2 HalfOpen, 3 Isolated).</summary>
    public const string StateInstrument = "circuit_breaker.state";
}
