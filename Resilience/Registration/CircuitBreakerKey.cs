using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;

namespace CircuitDemo.Resilience.Registration;

/// <summary>Which breaker: one per downstream service and operation kind (reads, writes).</summary>
internal readonly record struct CircuitBreakerKey(string Service, bool IsWrite)
{
    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name => BreakerNames.For(Service, IsWrite);

    /// <summary>The key of a breaker's name (<c>payment-service</c> or <c>payment-service:write</c>).</summary>
    public static CircuitBreakerKey FromName(string name)
    {
        var (service, isWrite) = BreakerNames.Parse(name);
        return new CircuitBreakerKey(service, isWrite);
    }
}
