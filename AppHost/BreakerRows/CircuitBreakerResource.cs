using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// One of the gateway's circuit breakers as a row on the dashboard's Resources page, under the gateway (a parent
/// relationship, not <see cref="IResourceWithParent"/>: that would lend the row the gateway's health checks). Its state
/// is the breaker's state; nothing runs for it: the AppHost feeds it from the gateway's transition stream.
/// </summary>
internal sealed class CircuitBreakerResource(string breakerName) : Resource(BreakerNames.RowName(breakerName))
{
    /// <summary>The breaker's own name, as in <c>payment-service:write</c>.</summary>
    public string BreakerName => breakerName;
}
