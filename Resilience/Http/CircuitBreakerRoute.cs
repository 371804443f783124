using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// The one place that decides which breaker an HTTP request goes through: the service its URI names (before service
/// discovery resolves it to an address) and whether it is a read or a write. Everything that needs a request's
/// breaker or its options asks here.
/// </summary>
public static class CircuitBreakerRoute
{
    private static readonly HttpRequestOptionsKey<bool> BypassKey = new("CircuitDemo.CircuitBreaker.Bypass");

    /// <summary>The breaker of <paramref name="request"/>.</summary>
    /// <exception cref="InvalidOperationException">The request has no absolute URI to name its service.</exception>
    internal static CircuitBreakerKey For(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri
            ? new CircuitBreakerKey(uri.Host, IsWrite(request.Method))
            : throw new InvalidOperationException(
                $"A request through a circuit breaker needs an absolute URI to name its service (was '{request.RequestUri}').");

    /// <summary>GET and HEAD are reads (safe to retry); every other method is a write.</summary>
    public static bool IsWrite(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head;

    /// <summary>
    /// Marks a control-plane request (such as switching a service's failure mode): it neither passes through nor
    /// counts towards the service's breaker, and creates none, so the switch works while the circuit is open. It still
    /// has the service's attempt timeout and response limits.
    /// </summary>
    public static void Bypass(HttpRequestMessage request) => request.Options.Set(BypassKey, true);

    /// <summary>True for a request marked with <see cref="Bypass"/>.</summary>
    public static bool IsBypassed(HttpRequestMessage request) => request.Options.TryGetValue(BypassKey, out var bypass) && bypass;
}
