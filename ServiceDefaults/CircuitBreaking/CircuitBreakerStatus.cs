namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>One recorded change of state.</summary>
public sealed record CircuitStateChange(DateTimeOffset Timestamp, CircuitState From, CircuitState To, string Reason);

/// <summary>A consistent snapshot of one breaker, as served by the gateway's <c>/circuit-breakers</c>.</summary>
public sealed record CircuitBreakerStatus(
    string Name,
    CircuitState State,
    int FailureCount,
    int SuccessCount,
    DateTimeOffset? NextAttempt,
    long? RetryAfterMs,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    long InFlightRequests,
    IReadOnlyList<CircuitStateChange> StateChanges,
    CircuitBreakerOptions Options);
