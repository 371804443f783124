using System.Net;
using DnsClient;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// Asks DNS for a name's SRV records (DnsClient does the asking) and for each target's address: from the answer's
/// additional records, as a headless Service's DNS gives them, or else by asking for the target's A and AAAA records.
/// A name that does not end in a dot is tried in the search domains and as it is, in the order the system's resolver
/// follows (<see cref="Candidates"/>; on Kubernetes, with ndots 5, <c>_http._tcp.payment-service.default.svc.cluster.local</c>
/// first); an error on one candidate (a server that fails or does not answer) means the next is tried.
/// </summary>
internal sealed class SrvLookup
{
    private readonly LookupClient _client;
    private readonly string[] _searchDomains;
    private readonly int _ndots;

    public SrvLookup(DnsDiscoveryOptions discovery)
    {
        var nameServer = discovery.NameServerEndPoint();
        var options = nameServer is null ? new LookupClientOptions() : new LookupClientOptions(nameServer);
        options.UseCache = false; // every refresh asks: a pod added or gone shows at the next one
        options.Timeout = TimeSpan.FromSeconds(2);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        _client = new LookupClient(options);
        var resolvConf = nameServer is null ? ResolvConf.Read() : new ResolvConf([], null);
        _searchDomains = discovery.SearchDomains ?? resolvConf.Search;
        _ndots = discovery.Ndots ?? resolvConf.Ndots ?? 1;
    }

    /// <summary>A pod an SRV record names: its name (the record's target), its port, and its addresses.</summary>
    public sealed record Pod(string Name, int Port, IReadOnlyList<IPAddress> Addresses);

    /// <summary>Every pod <paramref name="name"/>'s SRV records list, in order; none when there is no such record.</summary>
    /// <exception cref="DnsResponseException">The server could not be asked, or did not answer.</exception>
    public async Task<IReadOnlyList<Pod>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        Exception? failed = null;
        foreach (var candidate in Candidates(name, _searchDomains, _ndots))
        {
            IDnsQueryResponse answer;
            try
            {
                answer = await _client.QueryAsync(candidate, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
                if (answer.HasError && answer.Header.ResponseCode is not (DnsHeaderResponseCode.NotExistentDomain or DnsHeaderResponseCode.NoError))
                {
                    throw new DnsResponseException($"{candidate}: {answer.ErrorMessage}");
                }
            }
            catch (Exception exception) when (
                exception is DnsResponseException or System.Net.Sockets.SocketException or TimeoutException
                && !cancellationToken.IsCancellationRequested)
            {
                failed = exception; // this candidate's server failed: the next candidate may still answer
                continue;
            }

            // Only the records of the lowest priority are used (RFC 2782: the others are for when those are gone);
            // among them the heavier first.
            var records = answer.Answers.SrvRecords().ToList();
            if (records.Count == 0)
            {
                continue;
            }

            var lowest = records.Min(r => r.Priority);
            var preferred = records.Where(r => r.Priority == lowest)
                .OrderByDescending(r => r.Weight)
                .ThenBy(r => r.Target.Value, StringComparer.Ordinal);
            return await PodsAsync(answer, [.. preferred]).ConfigureAwait(false);
        }

        return failed is null ? [] : throw failed;
    }

    /// <summary>
    /// The names to ask for <paramref name="name"/>, in order, as glibc's resolver orders them: a name ending in a dot
    /// as it is, alone; a name with fewer dots than <paramref name="ndots"/> in each search domain first, then as it is;
    /// any other as it is first, then in each search domain.
    /// </summary>
    public static IReadOnlyList<string> Candidates(string name, IReadOnlyList<string> searchDomains, int ndots)
    {
        if (name.EndsWith('.'))
        {
            return [name];
        }

        var searched = searchDomains.Select(domain => $"{name}.{domain.Trim('.')}");
        return name.Count(c => c == '.') < ndots ? [.. searched, name] : [name, .. searched];
    }

    // A pod per record: its target's one address (IPv4 when it has one: a dual-stack pod is one pod, not two).
    private async Task<IReadOnlyList<Pod>> PodsAsync(IDnsQueryResponse answer, IReadOnlyList<DnsClient.Protocol.SrvRecord> records)
    {
        var pods = new List<Pod>(records.Count);
        foreach (var record in records)
        {
            var target = record.Target.Value.TrimEnd('.');
            if (target.Length == 0)
            {
                continue; // RFC 2782's ".": the service is decidedly not available at this record
            }

            var addresses = answer.Additionals.AddressRecords()
                .Where(a => string.Equals(a.DomainName.Value.TrimEnd('.'), target, StringComparison.OrdinalIgnoreCase))
                .Select(a => a.Address)
                .ToList();
            if (addresses.Count == 0)
            {
                addresses = [.. (await _client.GetHostEntryAsync(target).ConfigureAwait(false))?.AddressList ?? []];
            }

            var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault();
            if (address is not null && pods.TrueForAll(p => p.Name != target))
            {
                pods.Add(new Pod(target, record.Port, [address]));
            }
        }

        return pods;
    }

    // The "search" line and the "options ndots:n" of /etc/resolv.conf (Kubernetes writes the namespace's domains and
    // ndots 5 there), as glibc reads them.
    private sealed record ResolvConf(string[] Search, int? Ndots)
    {
        public static ResolvConf Read()
        {
            const string Path = "/etc/resolv.conf";
            if (!File.Exists(Path))
            {
                return new([], null);
            }

            var lines = File.ReadLines(Path).Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).ToList();
            var search = lines.Where(words => words is ["search", ..]).SelectMany(words => words.Skip(1)).ToArray();
            var ndots = lines.Where(words => words is ["options", ..]).SelectMany(words => words.Skip(1))
                .Select(option => option.StartsWith("ndots:", StringComparison.Ordinal) && int.TryParse(option[6..], out var n) ? n : (int?)null)
                .LastOrDefault(n => n is not null);
            return new(search, ndots);
        }
    }
}
