using System.Text.Json;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly.Timeout;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>The <c>sources</c> value of a section: <c>live</c>, or why its fallback was served.</summary>
public static class FallbackReason
{
    /// <summary>The section came from the service.</summary>
    public const string Live = "live";

    /// <summary>
    /// Maps a failed call to its reason: the breaker refused (<c>circuit-open</c>), the attempt timed out
    /// (<c>timeout</c>), the service answered an error or nonsense (<c>error</c>), or could not be reached (<c>unavailable</c>).
    /// Null for an exception that is not a downstream failure.
    /// </summary>
    public static string? For(Exception exception) => exception switch
    {
        CircuitBreakerRejectedException => "fallback:circuit-open",
        TimeoutRejectedException => "fallback:timeout",
        HttpRequestException { StatusCode: not null } => "fallback:error",
        HttpRequestException => "fallback:unavailable",
        JsonException or NotSupportedException => "fallback:error",
        _ => null,
    };
}
