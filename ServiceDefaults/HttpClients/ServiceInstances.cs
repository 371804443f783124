using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The instances of a service, as Microsoft.Extensions.ServiceDiscovery resolves them (<c>services__{service}__http__{i}</c>
/// in configuration, in their order): what the pipeline chooses each call's endpoint among, and what a control-plane
/// caller addresses one instance by (<see cref="Pin"/>).
/// </summary>
public sealed class ServiceInstances(ServiceEndpointResolver resolver)
{
    private static readonly HttpRequestOptionsKey<Uri> PinnedKey = new("CircuitDemo.Endpoint.Pinned");

    // Service discovery hands out the same source until its endpoints change: each is turned into addresses once.
    private readonly ConditionalWeakTable<ServiceEndpointSource, Uri[]> _addresses = [];

    /// <summary>
    /// The address of every instance of the service <paramref name="serviceUri"/> names (its scheme and host, such as
    /// <c>http://payment-service</c>); a host service discovery knows nothing of is its own one instance.
    /// </summary>
    /// <exception cref="HttpRequestException">Service discovery resolved no endpoint at all.</exception>
    public async ValueTask<IReadOnlyList<Uri>> AddressesAsync(Uri serviceUri, CancellationToken cancellationToken)
    {
        var name = serviceUri.IsDefaultPort ? $"{serviceUri.Scheme}://{serviceUri.Host}" : $"{serviceUri.Scheme}://{serviceUri.Host}:{serviceUri.Port}";
        var source = await resolver.GetEndpointsAsync(name, cancellationToken).ConfigureAwait(false);
        var addresses = _addresses.GetValue(source, s => [.. s.Endpoints.Select(e => AddressOf(e.EndPoint, serviceUri.Scheme))]);
        return addresses.Length > 0
            ? addresses
            : throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Service discovery resolved no endpoint for {name}.");
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the instance at <paramref name="address"/> (one of <see cref="AddressesAsync"/>),
    /// whatever the breaker's choice would be: for control-plane calls to one instance, with the service's name kept in
    /// the URI so that its pipeline (timeout, limits) still applies.
    /// </summary>
    public static void Pin(HttpRequestMessage request, Uri address) => request.Options.Set(PinnedKey, address);

    /// <summary>The instance <paramref name="request"/> is pinned to, if any.</summary>
    internal static Uri? PinnedOf(HttpRequestMessage request) => request.Options.TryGetValue(PinnedKey, out var address) ? address : null;

    /// <summary><paramref name="uri"/> sent to <paramref name="address"/> instead of the service's name.</summary>
    internal static Uri Rewrite(Uri uri, Uri address) =>
        new UriBuilder(uri) { Scheme = address.Scheme, Host = address.Host, Port = address.Port }.Uri;

    private static Uri AddressOf(EndPoint endpoint, string scheme) => endpoint switch
    {
        UriEndPoint { Uri: var uri } => new Uri(uri.GetLeftPart(UriPartial.Authority)),
        DnsEndPoint dns => new UriBuilder(scheme, dns.Host, dns.Port > 0 ? dns.Port : -1).Uri,
        IPEndPoint ip => new UriBuilder(scheme, ip.Address.ToString(), ip.Port).Uri,
        _ => throw new InvalidOperationException($"Service discovery resolved an endpoint of type {endpoint.GetType()}, which has no address."),
    };
}
