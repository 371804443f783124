using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// Thrown instead of calling the service when the breaker is Open, Isolated, or HalfOpen with every probe slot taken.
/// </summary>
public sealed class CircuitBreakerRejectedException : Exception
{
    /// <summary>Creates the exception for one rejected call.</summary>
    public CircuitBreakerRejectedException(string breakerName, CircuitState state, TimeSpan? retryAfter)
    {
        BreakerName = breakerName;
        State = state;
        RetryAfter = retryAfter;
    }

    /// <summary>The breaker that refused the call, such as <c>payment-service</c>.</summary>
    public string BreakerName { get; }

    /// <summary>The breaker's state when it refused.</summary>
    public CircuitState State { get; }

    /// <summary>When a new call may be admitted; null while the breaker is isolated (until a manual reset).</summary>
    public TimeSpan? RetryAfter { get; }


    /// <inheritdoc />
    // Built when read, not when thrown: an open breaker rejects many calls, and most callers never read the message.
    public override string Message => $"Circuit breaker '{BreakerName}' is {State}" + (RetryAfter is { } wait
        ? $"; the call was rejected without reaching the service. Retry after {wait.TotalMilliseconds:0} ms."
        : "; the call was rejected without reaching the service until it is reset.");
}
