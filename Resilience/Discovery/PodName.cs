using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// The name an SRV record gave an endpoint (its target: <c>payment-service-0.payment-service.default.svc.cluster.local</c>),
/// which names the instance (<c>payment-service-0</c>) wherever the gateway shows or addresses it.
/// </summary>
internal sealed record PodName(string HostName) : IHostNameFeature;
