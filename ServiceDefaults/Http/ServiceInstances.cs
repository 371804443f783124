using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using CircuitDemo.Contracts;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.ServiceDefaults.Http;

/// <summary>
/// The instances of a service, as Microsoft.Extensions.ServiceDiscovery resolves them (from configuration,
/// <c>services__{service}__http__{i}</c>, in order; or from DNS on a cluster), each with its name: what the pipeline
/// chooses each attempt's endpoint among, and what a caller addresses one instance by (<see cref="Pin"/>) or sends
/// every call of one key to (<see cref="PinToOwnerOf"/>).
/// </summary>
public sealed class ServiceInstances(ServiceEndpointResolver resolver)
{
    private static readonly HttpRequestOptionsKey<Uri> PinnedKey = new("CircuitDemo.Instance.Pinned");
    private static readonly HttpRequestOptionsKey<string> OwnerKey = new("CircuitDemo.Instance.OwnerKey");

    // Service discovery hands out the same source until its endpoints change: each is turned into instances once, so
    // that the same list is the same object and the endpoint records see at once that nothing changed.
    private readonly ConditionalWeakTable<ServiceEndpointSource, ServiceInstance[]> _instances = [];
    private readonly ConcurrentDictionary<(string Scheme, string Host, int Port), string> _serviceNames = new();

    /// <summary>
    /// Every instance of the service <paramref name="serviceUri"/> names (its scheme and host, such as
    /// <c>http://payment-service</c>); a host service discovery knows nothing of is its own one instance.
    /// </summary>
    /// <exception cref="HttpRequestException">Service discovery resolved no endpoint at all.</exception>
    public async ValueTask<IReadOnlyList<ServiceInstance>> ResolveAsync(Uri serviceUri, CancellationToken cancellationToken)
    {
        var name = _serviceNames.GetOrAdd((serviceUri.Scheme, serviceUri.Host, serviceUri.Port), static key =>
            key.Port is -1 or 80 or 443 ? $"{key.Scheme}://{key.Host}" : $"{key.Scheme}://{key.Host}:{key.Port}");
        var source = await resolver.GetEndpointsAsync(name, cancellationToken).ConfigureAwait(false);
        var instances = _instances.GetValue(source, s => [.. s.Endpoints.Select((e, i) => new ServiceInstance(NameOf(serviceUri.Host, e, i), AddressOf(e.EndPoint, serviceUri.Scheme)))]);
        return instances.Length > 0
            ? instances
            : throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Service discovery resolved no endpoint for {name}.");
    }

    /// <summary>Every instance of <paramref name="service"/> (its name, as in <c>payment-service</c>).</summary>
    public ValueTask<IReadOnlyList<ServiceInstance>> ResolveAsync(string service, CancellationToken cancellationToken) =>
        ResolveAsync(new Uri($"http://{service}"), cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> to the instance at <paramref name="address"/> (one of <see cref="ResolveAsync(Uri, CancellationToken)"/>),
    /// for a control-plane call to one instance; the service's name stays in the URI, so its pipeline (timeout, limits) applies.
    /// </summary>
    public static void Pin(HttpRequestMessage request, Uri address) => request.Options.Set(PinnedKey, address);

    /// <summary>
    /// Sends <paramref name="request"/>, and every other request with the same <paramref name="key"/>, to one instance of
    /// its service, the key's owner, and never to another: while the owner is out of rotation the request is refused
    /// (with the time until it is back). A payment's key, so that a retried payment reaches the ledger that has seen it.
    /// </summary>
    public static void PinToOwnerOf(HttpRequestMessage request, string key) => request.Options.Set(OwnerKey, key);

    /// <summary>The instance <paramref name="request"/> is pinned to, if any.</summary>
    internal static Uri? PinnedOf(HttpRequestMessage request) => request.Options.TryGetValue(PinnedKey, out var address) ? address : null;

    /// <summary>The key whose owner <paramref name="request"/> must go to, if any.</summary>
    internal static string? OwnerKeyOf(HttpRequestMessage request) => request.Options.TryGetValue(OwnerKey, out var key) ? key : null;

    /// <summary><paramref name="uri"/> sent to <paramref name="address"/> instead of the service's name.</summary>
    internal static Uri Rewrite(Uri uri, Uri address) =>
        new UriBuilder(uri) { Scheme = address.Scheme, Host = address.Host, Port = address.Port }.Uri;

    // An instance's name: the host name a DNS provider gave (a pod's, such as payment-service-0.payment-service.ns...),
    // or the configured host's, by their first label when it names an instance of the service (payment-service-0);
    // otherwise the AppHost's resource name for the i-th configured endpoint (payment-service, payment-service-2, ...).
    private static string NameOf(string service, ServiceEndpoint endpoint, int index)
    {
        var host = endpoint.Features.Get<IHostNameFeature>()?.HostName
            ?? (endpoint.EndPoint as DnsEndPoint)?.Host
            ?? (endpoint.EndPoint as UriEndPoint)?.Uri.Host;
        var label = host?.Split('.')[0];
        return label is not null && label.StartsWith(service + "-", StringComparison.OrdinalIgnoreCase)
            ? label.ToLowerInvariant()
            : ServiceNames.Instance(service, index + 1);
    }

    private static Uri AddressOf(EndPoint endpoint, string scheme) => endpoint switch
    {
        UriEndPoint { Uri: var uri } => new Uri(uri.GetLeftPart(UriPartial.Authority)),
        DnsEndPoint dns => new UriBuilder(scheme, dns.Host, dns.Port > 0 ? dns.Port : -1).Uri,
        IPEndPoint ip => new UriBuilder(scheme, ip.Address.ToString(), ip.Port).Uri,
        _ => throw new InvalidOperationException($"Service discovery resolved an endpoint of type {endpoint.GetType()}, which has no address."),
    };
}
