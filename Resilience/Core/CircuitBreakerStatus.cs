using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// A consistent snapshot of one breaker, as served by the gateway's <c>/circuit-breakers</c>. The totals only grow:
/// <c>TotalRequests == SuccessfulRequests + FailedRequests + RejectedRequests + CancelledRequests + InFlightRequests</c>.
/// <c>SlowCalls</c> of the <c>SlowCallWindowCalls</c> latest completed calls were slower than the options'
/// <c>SlowCallDuration</c> (both 0 with the slow-call rule off); <c>FailureRatioFailures</c> of the
/// <c>FailureRatioCalls</c> in the failure-ratio rule's sampling window failed (both 0 with that rule off).
/// </summary>
public record CircuitBreakerStatus(
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
    int SlowCalls,
    int SlowCallWindowCalls,
    long FailureRatioFailures,
    long FailureRatioCalls,
    IReadOnlyList<CircuitStateChange> StateChanges,
    CircuitBreakerOptions Options);
