using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// Gives service discovery a <see cref="DnsSrvEndpointProvider"/> for every service named by a bare name
/// (<c>http://payment-service</c>): its endpoints are the SRV records of <c>_{endpoint}._tcp.{service}</c>, the
/// endpoint's name being the scheme (<c>http</c>) unless the URI names one (<c>http://_grpc.payment-service</c>). Each
/// record's <see cref="DnsSrvList"/> is kept here, one per record for the process's life, whatever providers come and go.
/// </summary>
internal sealed class DnsSrvEndpointProviderFactory(IOptions<DnsDiscoveryOptions> options, TimeProvider timeProvider, ILoggerFactory loggers)
    : IServiceEndpointProviderFactory, IAsyncDisposable
{
    private readonly Lazy<SrvLookup> _lookup = new(() => new SrvLookup(options.Value));
    private readonly ILogger _logger = loggers.CreateLogger("CircuitDemo.ServiceDefaults.Discovery.Dns");
    private readonly ConcurrentDictionary<string, Lazy<DnsSrvList>> _lists = new();

    /// <summary>How a record is looked up: DNS itself, through <see cref="SrvLookup"/>; a test gives its own.</summary>
    internal Func<string, CancellationToken, Task<IReadOnlyList<SrvLookup.Pod>>>? Resolve { get; init; }

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        if (query.ServiceName is "localhost" || IPAddress.TryParse(query.ServiceName, out _))
        {
            provider = null;
            return false;
        }

        var endpoint = query.EndpointName ?? query.IncludedSchemes.FirstOrDefault() ?? "http";
        var record = $"_{endpoint}._tcp.{query.ServiceName}";
        var list = _lists.GetOrAdd(record, name => new Lazy<DnsSrvList>(() => new DnsSrvList(
            query.ServiceName, name, Resolve ?? _lookup.Value.ResolveAsync, options.Value.RefreshPeriod, timeProvider, _logger))).Value;
        provider = new DnsSrvEndpointProvider(list, _logger);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var list in _lists.Values.Where(l => l.IsValueCreated))
        {
            await list.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
