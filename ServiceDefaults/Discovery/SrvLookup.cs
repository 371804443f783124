using System.Net;
using DnsClient;

namespace CircuitDemo.ServiceDefaults.Discovery;

/// <summary>
/// Asks DNS for a name's SRV records (DnsClient does the asking) and for each target's addresses: from the answer's
/// additional records, as a headless Service's DNS gives them, or else by asking for the target's A and AAAA records.
/// A name that does not end in a dot is tried as it is, then with each search domain of the system's resolver, as that
/// resolver would (on Kubernetes: <c>_http._tcp.payment-service.default.svc.cluster.local</c>).
/// </summary>
internal sealed class SrvLookup
{
    private readonly LookupClient _client;
    private readonly string[] _searchDomains;

    public SrvLookup(IPEndPoint? nameServer)
    {
        var options = nameServer is null ? new LookupClientOptions() : new LookupClientOptions(nameServer);
        options.UseCache = false; // every refresh asks: a pod added or gone shows at the next one
        options.Timeout = TimeSpan.FromSeconds(2);
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        _client = new LookupClient(options);
        _searchDomains = nameServer is null ? SystemSearchDomains() : [];
    }

    /// <summary>A pod an SRV record names: its name (the record's target), its port, and its addresses.</summary>
    public sealed record Pod(string Name, int Port, IReadOnlyList<IPAddress> Addresses);

    /// <summary>Every pod <paramref name="name"/>'s SRV records list, in order; none when there is no such record.</summary>
    /// <exception cref="DnsResponseException">The server could not be asked, or did not answer.</exception>
    public async Task<IReadOnlyList<Pod>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var candidate in Candidates(name))
        {
            var answer = await _client.QueryAsync(candidate, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            var records = answer.Answers.SrvRecords().OrderBy(r => r.Priority).ThenBy(r => r.Target.Value, StringComparer.Ordinal).ToList();
            if (answer.HasError && answer.Header.ResponseCode is not (DnsHeaderResponseCode.NotExistentDomain or DnsHeaderResponseCode.NoError))
            {
                throw new DnsResponseException(answer.ErrorMessage);
            }

            if (records.Count == 0)
            {
                continue;
            }

            var pods = new List<Pod>(records.Count);
            foreach (var record in records)
            {
                var target = record.Target.Value.TrimEnd('.');
                var addresses = answer.Additionals.AddressRecords()
                    .Where(a => string.Equals(a.DomainName.Value.TrimEnd('.'), target, StringComparison.OrdinalIgnoreCase))
                    .Select(a => a.Address)
                    .ToList();
                if (addresses.Count == 0)
                {
                    addresses = [.. (await _client.GetHostEntryAsync(target).ConfigureAwait(false))?.AddressList ?? []];
                }

                if (addresses.Count > 0)
                {
                    pods.Add(new Pod(target, record.Port, addresses));
                }
            }

            return pods;
        }

        return [];
    }

    private IEnumerable<string> Candidates(string name) =>
        name.EndsWith('.') ? [name] : [name, .. _searchDomains.Select(domain => $"{name}.{domain}")];

    // The "search" line of /etc/resolv.conf (Kubernetes writes the namespace's domains there), as glibc reads it.
    private static string[] SystemSearchDomains()
    {
        const string ResolvConf = "/etc/resolv.conf";
        if (!File.Exists(ResolvConf))
        {
            return [];
        }

        return [.. File.ReadLines(ResolvConf)
            .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words is ["search", ..])
            .SelectMany(words => words.Skip(1))];
    }
}
