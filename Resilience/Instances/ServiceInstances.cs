using System.Collections.Concurrent;
using System.Net;
using CircuitDemo.Contracts;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// The instances of a service, as Microsoft.Extensions.ServiceDiscovery resolves them (from configuration,
/// <c>services__{service}__http__{i}</c>, in order; or from DNS on a cluster), each with its name: what the pipeline
/// chooses each attempt's instance among, and what a caller addresses one instance by (<see cref="Pin"/>).
/// </summary>
public sealed class ServiceInstances(ServiceEndpointResolver resolver)
{
    private static readonly HttpRequestOptionsKey<Uri> PinnedKey = new("CircuitDemo.Instance.Pinned");

    private readonly ConcurrentDictionary<(string Scheme, string Host, int Port), Service> _services = new();

    /// <summary>
    /// Every instance of the service <paramref name="serviceUri"/> names (its scheme and host, such as
    /// <c>http://payment-service</c>); a host service discovery knows nothing of is its own one instance.
    /// </summary>
    /// <param name="serviceUri">The service's URI (any path).</param>
    /// <param name="cancellationToken">Cancels the wait for service discovery's first answer.</param>
    /// <param name="remember">
    /// Keeps the service's last list, so that an unchanged list is the same object (what the instance records need); false
    /// for a host no breaker guards, which could be any host at all and must not be kept for good.
    /// </param>
    /// <exception cref="HttpRequestException">Service discovery resolved no instance at all.</exception>
    public async ValueTask<IReadOnlyList<ServiceInstance>> ResolveAsync(Uri serviceUri, CancellationToken cancellationToken, bool remember = true)
    {
        var key = (serviceUri.Scheme, serviceUri.Host, serviceUri.Port);
        var service = remember
            ? _services.GetOrAdd(key, static key => new Service(key.Scheme, key.Host, key.Port))
            : _services.GetValueOrDefault(key) ?? new Service(key.Scheme, key.Host, key.Port);
        var source = await resolver.GetEndpointsAsync(service.Name, cancellationToken).ConfigureAwait(false);
        var instances = service.InstancesOf(source);
        return instances.Count > 0
            ? instances
            : throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Service discovery resolved no endpoint for {service.Name}.");
    }

    /// <summary>How many services' lists are kept.</summary>
    internal int Remembered => _services.Count;

    /// <summary>Every instance of <paramref name="service"/> (its name, as in <c>payment-service</c>).</summary>
    public ValueTask<IReadOnlyList<ServiceInstance>> ResolveAsync(string service, CancellationToken cancellationToken) =>
        ResolveAsync(new Uri($"http://{service}"), cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> to the instance at <paramref name="address"/> (one of <see cref="ResolveAsync(Uri, CancellationToken,
    /// bool)"/>),
    /// for a control-plane call to one instance; the service's name stays in the URI, so its pipeline (timeout, limits) applies.
    /// </summary>
    public static void Pin(HttpRequestMessage request, Uri address) => request.Options.Set(PinnedKey, address);

    /// <summary>The instance <paramref name="request"/> is pinned to, if any.</summary>
    internal static Uri? PinnedOf(HttpRequestMessage request) => request.Options.TryGetValue(PinnedKey, out var address) ? address : null;

    /// <summary>
    /// <paramref name="uri"/> sent to <paramref name="address"/> (an instance's origin, as <see cref="ResolveAsync(Uri, CancellationToken, bool)"/>
    /// gives it: scheme, host and port) instead of the service's name: one string and one parse, every call.
    /// </summary>
    internal static Uri Rewrite(Uri uri, Uri address)
    {
        var origin = address.AbsoluteUri.AsSpan().TrimEnd('/');
        return new Uri(string.Concat(origin, uri.PathAndQuery, uri.Fragment));
    }

    // An instance's name: the host name a DNS provider gave (a pod's, such as payment-service-0.payment-service.ns...),
    // or the configured host's, by their first label when it names an instance of the service (payment-service-0);
    // otherwise the AppHost's resource name for the i-th configured instance (payment-service, payment-service-2, ...).
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

    // One service as service discovery names it. Service discovery hands out the same source until the service's
    // instances change: each source is turned into instances once, so that the same list is the same object and the
    // instance records see at once that nothing changed.
    private sealed class Service(string scheme, string host, int port)
    {
        private Resolved? _last;
        private long _versions;

        public string Name { get; } = port is -1 or 80 or 443 ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}";

        public InstanceList InstancesOf(ServiceEndpointSource source)
        {
            var last = Volatile.Read(ref _last);
            if (last is not null && ReferenceEquals(last.Source, source))
            {
                return last.Instances;
            }

            var resolved = new Resolved(source, new InstanceList(
                Interlocked.Increment(ref _versions), [.. source.Endpoints.Select(
                    (e, i) => new ServiceInstance(NameOf(host, e, i), AddressOf(e.EndPoint, scheme)))]));
            var winner = Interlocked.CompareExchange(ref _last, resolved, last);
            return winner is not null && !ReferenceEquals(winner, last) && ReferenceEquals(winner.Source, source)
                ? winner.Instances
                : resolved.Instances;
        }

        private sealed record Resolved(ServiceEndpointSource Source, InstanceList Instances);
    }
}
