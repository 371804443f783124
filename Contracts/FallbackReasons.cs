namespace CircuitDemo.Contracts;

/// <summary>The values of a dashboard answer's <c>sources</c>: where each section came from.</summary>
public static class FallbackReasons
{
    /// <summary>The section came from the service.</summary>
    public const string Live = "live";

    /// <summary>The breaker refused the call.</summary>
    public const string CircuitOpen = "fallback:circuit-open";

    /// <summary>The attempt timed out, headers or body.</summary>
    public const string Timeout = "fallback:timeout";

    /// <summary>The service answered an error, or an answer that cannot be used.</summary>
    public const string Error = "fallback:error";

    /// <summary>The service could not be reached at all.</summary>
    public const string Unavailable = "fallback:unavailable";

    /// <summary>The breaker's concurrency limit turned the call away: that many calls to the service were in flight already.</summary>
    public const string Overloaded = "fallback:overloaded";
}
