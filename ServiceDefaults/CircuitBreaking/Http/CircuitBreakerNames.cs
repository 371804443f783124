namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>How breakers are named: one per downstream service and operation kind.</summary>
public static class CircuitBreakerNames
{
    /// <summary>The suffix of a write breaker's name, as in <c>payment-service:write</c>.</summary>
    public const string WriteSuffix = ":write";

    /// <summary>The breaker for <paramref name="service"/>: its read breaker, or its write breaker.</summary>
    public static string For(string service, bool isWrite) => isWrite ? service + WriteSuffix : service;

    /// <summary>GET and HEAD are reads (safe to retry); every other method is a write.</summary>
    public static bool IsWrite(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head;
}
