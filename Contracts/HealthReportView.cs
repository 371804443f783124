namespace CircuitDemo.Contracts;

/// <summary>The JSON of <c>GET /health</c>: the overall status and one entry per check (one per circuit breaker, in the gateway).</summary>
public sealed record HealthReportView(string Status, double TotalDurationMs, IReadOnlyDictionary<string, HealthEntryView> Entries)
{
    /// <summary>The names of the breakers' entries start with this, as in <c>circuit-breaker:payment-service</c>.</summary>
    public const string CircuitBreakerPrefix = "circuit-breaker:";
}

/// <summary>One check of a <see cref="HealthReportView"/>: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>, why, and its data.</summary>
public sealed record HealthEntryView(string Status, string? Description, IReadOnlyDictionary<string, object>? Data);
