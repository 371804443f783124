namespace CircuitDemo.Contracts;

/// <summary>Names the services' telemetry is found by, outside the process that records it.</summary>
public static class Telemetry
{
    /// <summary>The breakers' meter: <c>circuit_breaker.state</c>, <c>.transitions</c>, <c>.calls</c>.</summary>
    public const string CircuitBreakerMeter = "CircuitDemo.CircuitBreaker";

    /// <summary>The breakers' state gauge (0 Closed, 1 Open, 2 HalfOpen, 3 Isolated).</summary>
    public const string StateInstrument = "circuit_breaker.state";

    /// <summary>Endpoints ejected, counted per breaker and endpoint (<c>server.address</c>, <c>server.port</c>).</summary>
    public const string EjectionsInstrument = "circuit_breaker.endpoint.ejections";

    /// <summary>Endpoints of each breaker's service out of rotation now (a gauge).</summary>
    public const string EjectedInstrument = "circuit_breaker.endpoints.ejected";

    /// <summary>Ejections the <c>MaxEjectionPercent</c> cap refused, counted per breaker.</summary>
    public const string EjectionsOverflowInstrument = "circuit_breaker.endpoint.ejections_overflow";

    /// <summary>Counter of retries a service's retry budget refused.</summary>
    public const string RetriesRefusedInstrument = "circuit_breaker.retries_refused";

    /// <summary>Gauge of each breaker's concurrency limit now.</summary>
    public const string ConcurrencyLimitInstrument = "circuit_breaker.concurrency_limit";

    /// <summary>Counter of hedged reads, tagged <see cref="HedgeOutcomeTag"/>: won, lost or refused.</summary>
    public const string HedgesInstrument = "circuit_breaker.hedges";

    /// <summary>How a hedge ended: <c>won</c> (its answer was used), <c>lost</c> (sent, not used) or <c>refused</c> (not sent).</summary>
    public const string HedgeOutcomeTag = "outcome";
}
