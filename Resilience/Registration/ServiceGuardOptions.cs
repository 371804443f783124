using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Hedging;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Overload;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Everything that guards the calls of one service and operation kind, composed of small parts as
/// Microsoft.Extensions.Http.Resilience composes its options: the breaker's (<see cref="Breaker"/>), the instances'
/// ejection (<see cref="Ejection"/>), the call's limits (<see cref="Limits"/>), the
/// retries' budget (<see cref="RetryBudget"/>) and the reads' hedges (<see cref="Hedging"/>). Named by the breaker
/// (<c>payment-service</c>, <c>payment-service:write</c>) and bound by <see cref="CircuitBreakerOptionsSetup"/>.
/// </summary>
public sealed record ServiceGuardOptions
{
    /// <summary><c>false</c> takes the breaker out: calls pass straight through (still timed out). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The breaker's trip rules and periods.</summary>
    [ValidateObjectMembers]
    public CircuitBreakerOptions Breaker { get; set; } = new();

    /// <summary>When an instance is ejected, and for how long.</summary>
    [ValidateObjectMembers]
    public EjectionOptions Ejection { get; set; } = new();

    /// <summary>The body size and concurrency limits of one call.</summary>
    [ValidateObjectMembers]
    public CallLimitsOptions Limits { get; set; } = new();

    /// <summary>How much its retries may add to the load of the service.</summary>
    [ValidateObjectMembers]
    public RetryBudgetOptions RetryBudget { get; set; } = new();

    /// <summary>When a read still unanswered sends a hedge to another instance.</summary>
    [ValidateObjectMembers]
    public HedgingOptions Hedging { get; set; } = new();

    /// <summary>A deep copy: a guard keeps its own, so changing the options later changes nothing.</summary>
    public ServiceGuardOptions Copy() => this with
    {
        Breaker = Breaker with { },
        Ejection = Ejection with { },
        Limits = Limits with { },
        RetryBudget = RetryBudget with { },
        Hedging = Hedging with { },
    };
}
