namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// A consistent snapshot of one breaker, as served by the gateway's <c>/circuit-breakers</c>. The totals only grow:
/// <c>TotalRequests == SuccessfulRequests + FailedRequests + RejectedRequests + CancelledRequests + InFlightRequests</c>.
/// </summary>
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
    long CancelledRequests,
    long InFlightRequests,
    IReadOnlyList<CircuitStateChange> StateChanges,
    CircuitBreakerOptions Options);
