using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// Thrown instead of calling the service when the breaker is Open, Isolated, or HalfOpen with every probe slot taken; or
/// when the one instance a call may go to is out of rotation (<see cref="Reason"/> says so).
/// </summary>
public sealed class CircuitBreakerRejectedException : Exception
{
    /// <summary>Creates the exception for one rejected call.</summary>
    public CircuitBreakerRejectedException(string breakerName, CircuitState state, TimeSpan? retryAfter, string? reason = null)
    {
        BreakerName = breakerName;
        State = state;
        RetryAfter = retryAfter;
        Reason = reason;
    }

    /// <summary>The breaker that refused the call, such as <c>payment-service</c>.</summary>
    public string BreakerName { get; }

    /// <summary>The breaker's state when it refused.</summary>
    public CircuitState State { get; }

    /// <summary>When a new call may be admitted; null while the breaker is isolated (until a manual reset).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Why, when it was not the breaker's state: the instance the call must go to is out of rotation.</summary>
    public string? Reason { get; }

    /// <inheritdoc />
    // Built when read, not when thrown: an open breaker rejects many calls, and most callers never read the message.
    public override string Message => (Reason ?? $"Circuit breaker '{BreakerName}' is {State}") + (RetryAfter is { } wait
        ? $"; the call was rejected without reaching the service. Retry after {wait.TotalMilliseconds:0} ms."
        : "; the call was rejected without reaching the service until it is reset.");
}
