using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// A consistent snapshot of one breaker, as served by the gateway's <c>/circuit-breakers</c>. The totals only grow:
/// <c>TotalRequests == SuccessfulRequests + FailedRequests + RejectedRequests + CancelledRequests + InFlightRequests</c>.
/// <c>SlowCalls</c> of the <c>SlowCallWindowCalls</c> latest completed calls were slower than the options'
/// <c>SlowCallDuration</c> (both 0 with the slow-call rule off); <c>FailureRatioFailures</c> of the
/// <c>FailureRatioCalls</c> in the failure-ratio rule's sampling window failed (both 0 with that rule off).
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
    int SlowCalls,
    int SlowCallWindowCalls,
    long FailureRatioFailures,
    long FailureRatioCalls,
    IReadOnlyList<CircuitStateChange> StateChanges,
    CircuitBreakerOptions Options)
{
    /// <summary>Every endpoint service discovery resolved for the breaker's service (none before its first call), one entry each.</summary>
    public IReadOnlyList<EndpointStatus> Endpoints { get; init; } = [];

    /// <summary>Ejections the <c>MaxEjectionPercent</c> cap refused so far (an endpoint reached its threshold while as many as allowed were out).</summary>
    public long EjectionsRefused { get; init; }

    /// <summary>The last calls sent through the breaker, oldest first: when, to which instance, counted how, slow or not, how long.</summary>
    public IReadOnlyList<CallRecord> RecentCalls { get; init; } = [];

    /// <summary>The calls rejected since the last of <see cref="RecentCalls"/>; null when none was.</summary>
    public RejectedCalls? RejectedSince { get; init; }
}
