using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.ServiceDefaults.Discovery;

/// <summary>
/// Gives service discovery a <see cref="DnsSrvEndpointProvider"/> for every service named by a bare name
/// (<c>http://payment-service</c>): its endpoints are the SRV records of <c>_{endpoint}._tcp.{service}</c>, the
/// endpoint's name being the scheme (<c>http</c>) unless the URI names one (<c>http://_grpc.payment-service</c>).
/// </summary>
internal sealed class DnsSrvEndpointProviderFactory(IOptions<DnsDiscoveryOptions> options, TimeProvider timeProvider, ILoggerFactory loggers)
    : IServiceEndpointProviderFactory
{
    private readonly Lazy<SrvLookup> _lookup = new(() => new SrvLookup(options.Value.NameServerEndPoint));
    private readonly ILogger _logger = loggers.CreateLogger("CircuitDemo.ServiceDefaults.Discovery.Dns");

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        if (query.ServiceName is "localhost" || IPAddress.TryParse(query.ServiceName, out _))
        {
            provider = null;
            return false;
        }

        var endpoint = query.EndpointName ?? query.IncludedSchemes.FirstOrDefault() ?? "http";
        provider = new DnsSrvEndpointProvider(
            query.ServiceName, $"_{endpoint}._tcp.{query.ServiceName}", _lookup.Value, options.Value.RefreshPeriod, timeProvider, _logger);
        return true;
    }
}
