using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Hedging;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Overload;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// One guard's status, as <c>/circuit-breakers</c> serves it: the breaker's own (<see cref="CircuitBreakerStatus"/>,
/// which knows no instance), and beside it the instances of its service, the ejection, limits and retry budget options,
/// the retry budget and concurrency limit now, and its last calls.
/// </summary>
public sealed record ServiceBreakerStatus : CircuitBreakerStatus
{
    /// <summary>The breaker's status, extended.</summary>
    public ServiceBreakerStatus(CircuitBreakerStatus breaker)
        : base(breaker)
    {
    }

    /// <summary>When an instance is ejected, and for how long (a copy).</summary>
    public required EjectionOptions Ejection { get; init; }

    /// <summary>The body size and concurrency limits of one call (a copy).</summary>
    public required CallLimitsOptions Limits { get; init; }

    /// <summary>How much its retries may add to the service's load (a copy).</summary>
    public required RetryBudgetOptions RetryBudget { get; init; }

    /// <summary>The retry budget now: retries it would allow, and refused so far.</summary>
    public required RetryBudgetStatus Retries { get; init; }

    /// <summary>When its reads are hedged (a copy).</summary>
    public required HedgingOptions Hedging { get; init; }

    /// <summary>Its hedges now: the delay, and those sent, won and refused; null for the write side or with hedging off.</summary>
    public HedgingStatus? Hedges { get; init; }

    /// <summary>The concurrency limit now, the calls in flight under it and its last change; null without a limit.</summary>
    public ConcurrencyStatus? Concurrency { get; init; }

    /// <summary>Every instance service discovery resolved for the breaker's service (none before its first call), one entry each.</summary>
    public IReadOnlyList<EndpointStatus> Endpoints { get; init; } = [];

    /// <summary>How many instances may be out at once now (<c>MaxEjectionPercent</c> of those listed, never the last one).</summary>
    public int EjectionsAllowed { get; init; }

    /// <summary>
    /// Ejections the <c>MaxEjectionPercent</c> cap refused so far (an instance reached its threshold while as many as
    /// allowed were out).
    /// </summary>
    public long EjectionsRefused { get; init; }

    /// <summary>The last calls sent through the breaker, oldest first: when, to which instance, counted how, slow or not, how long.</summary>
    public IReadOnlyList<CallRecord> RecentCalls { get; init; } = [];

    /// <summary>The calls rejected since the last of <see cref="RecentCalls"/>; null when none was.</summary>
    public RejectedCalls? RejectedSince { get; init; }
}
