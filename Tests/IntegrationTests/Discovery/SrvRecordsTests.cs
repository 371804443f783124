using CircuitDemo.Resilience.Discovery;

namespace CircuitDemo.IntegrationTests.Discovery;

/// <summary>
/// What the gateway takes from a service's SRV records (RFC 2782), asked of the test's DNS server over UDP: the records
/// of the lowest priority only, the heavier first; one pod for a dual-stack target, at its IPv4 address; none for a
/// target of ".". No process: the lookup alone.
/// </summary>
public sealed class SrvRecordsTests
{
    private const string Service = "payment-service";
    private const string Record = "_http._tcp." + Service;

    [Fact]
    public async Task OnlyTheLowestPriority_TheHeavierFirst()
    {
        await using var dns = new TestDnsServer();
        dns.List(Service,
        [
            Pod("backup", 8001, priority: 10, weight: 100),
            Pod("light", 8002, priority: 0, weight: 5),
            Pod("heavy", 8003, priority: 0, weight: 50),
        ]);

        var pods = await LookupOf(dns).ResolveAsync(Record, CancellationToken.None);

        Assert.Equal(["heavy", "light"], pods.Select(p => p.Name.Split('.')[0]));
    }

    [Fact]
    public async Task ADualStackTarget_IsOnePod_AtItsIpv4Address()
    {
        await using var dns = new TestDnsServer();
        dns.List(Service, [Pod("both", 8001) with { Ipv6 = IPAddress.IPv6Loopback }]);

        var pod = Assert.Single(await LookupOf(dns).ResolveAsync(Record, CancellationToken.None));

        Assert.Equal([IPAddress.Loopback], pod.Addresses);
    }

    [Fact]
    public async Task ATargetOfJustADot_IsNoPod()
    {
        await using var dns = new TestDnsServer();
        dns.List(Service, [Pod("here", 8001), new TestDnsServer.Pod(".", new IPEndPoint(IPAddress.Loopback, 8002))]);

        var pod = Assert.Single(await LookupOf(dns).ResolveAsync(Record, CancellationToken.None));

        Assert.Equal(8001, pod.Port);
    }

    private static SrvLookup LookupOf(TestDnsServer dns) =>
        new(new DnsDiscoveryOptions { NameServer = dns.NameServer, SearchDomains = [], Ndots = 1 });

    private static TestDnsServer.Pod Pod(string name, int port, ushort priority = 0, ushort weight = 0) =>
        new($"{name}.{Service}.{DnsPods.Zone}", new IPEndPoint(IPAddress.Loopback, port), priority, weight);
}
