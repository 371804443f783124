using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly.Timeout;

namespace CircuitDemo.Gateway.Dashboard;

/// <summary>The <c>sources</c> value of a section: <c>live</c>, or why its fallback was served.</summary>
public static class FallbackReason
{
    /// <summary>The section came from the service.</summary>
    public const string Live = FallbackReasons.Live;

    /// <summary>
    /// Maps a failed call to its reason: the breaker refused (<c>circuit-open</c>); the attempt timed out, headers or
    /// body (<c>timeout</c>); the service answered an error or an answer that cannot be used (<c>error</c>); or it could
    /// not be reached at all (<c>unavailable</c>). Any other exception is an <c>error</c> too: the dashboard answers
    /// 200 for a valid id whatever happened below it (<see cref="IsKnown"/> tells the two apart for the log).
    /// Called only when the gateway's own caller has not cancelled, so any other cancellation is a timeout too: no
    /// timeout of any layer becomes a 500.
    /// </summary>
    public static string For(Exception exception) => exception switch
    {
        CircuitBreakerRejectedException => FallbackReasons.CircuitOpen,
        TimeoutRejectedException or OperationCanceledException => FallbackReasons.Timeout,
        HttpRequestException { StatusCode: null } => FallbackReasons.Unavailable,
        _ => FallbackReasons.Error,
    };

    /// <summary>True for the failures a downstream call is expected to end in; false for a defect of the gateway.</summary>
    public static bool IsKnown(Exception exception) =>
        exception is CircuitBreakerRejectedException or TimeoutRejectedException or OperationCanceledException or HttpRequestException;
}
