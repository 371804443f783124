using System.Diagnostics;

namespace CircuitDemo.IntegrationTests.Discovery;

/// <summary>
/// What the DNS tests share: PaymentService processes named as a headless Service's pods, a gateway that finds them
/// through the test's DNS server (told no address of payment-service, only where DNS is), and a wait until the
/// gateway lists exactly a set of pods.
/// </summary>
internal static class DnsPods
{
    /// <summary>The cluster's own domain, as the pods' names end.</summary>
    public const string Zone = "test.svc.cluster.local";

    /// <summary>How often the gateway asks DNS again.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What a list takes to show beyond the refresh period itself: the DNS answer, service discovery's refresh, the next
    /// dashboard call and the poll's own step, on a loaded machine.
    /// </summary>
    public static readonly TimeSpan Allowance = TimeSpan.FromSeconds(1);

    /// <summary>Starts <paramref name="count"/> PaymentService processes, as pods (<see cref="PodsOf"/>).</summary>
    public static async Task<(ServiceProcess[] Processes, TestDnsServer.Pod[] Pods)> StartAsync(int count)
    {
        var processes = await ServiceProcess.StartAllAliveAsync(count, new Projects.PaymentService(), new Dictionary<string, string>());
        return (processes, PodsOf(processes));
    }

    /// <summary>PaymentService processes as pods: the <c>i</c>th named <c>payment-service-i.payment-service.{Zone}</c>.</summary>
    public static TestDnsServer.Pod[] PodsOf(IEnumerable<ServiceProcess> processes) =>
    [
        .. processes.Select((process, i) => new TestDnsServer.Pod(
            $"{ServiceNames.Payment}-{i}.{ServiceNames.Payment}.{Zone}", new IPEndPoint(IPAddress.Loopback, process.Url.Port))),
    ];

    /// <summary>Stops every pod's process (one already stopped is left as it is).</summary>
    public static async Task StopAsync(IEnumerable<ServiceProcess> processes)
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>Starts a gateway that asks <paramref name="dns"/> for payment-service's pods, with <paramref name="more"/> settings.</summary>
    public static Task<ServiceProcess> StartGatewayAsync(TestDnsServer dns, params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["ServiceDiscovery__Dns__Enabled"] = "true",
            ["ServiceDiscovery__Dns__NameServer"] = dns.NameServer,
            ["ServiceDiscovery__Dns__RefreshPeriod"] = RefreshPeriod.ToString(),
            // Configuration comes first: the two other services are named there (nothing listens), payments are not.
            [$"services__{ServiceNames.User}__http__0"] = "http://127.0.0.1:1",
            [$"services__{ServiceNames.Order}__http__0"] = "http://127.0.0.1:1",
        };
        foreach (var (key, value) in more)
        {
            environment[key] = value;
        }

        return ServiceProcess.StartAliveAsync(environment);
    }

    // The payment-service breaker's endpoints are exactly the pods': their names (from the SRV targets) and their ports.
    public static async Task<TimeSpan> UntilListedAsync(HttpClient gateway, IEnumerable<TestDnsServer.Pod> pods, TimeSpan within)
    {
        var expected = string.Join(", ", pods.Select(p => $"{p.Name.Split('.')[0]} at {p.Address.Port}").Order());
        var watch = Stopwatch.StartNew();
        await Eventually.UntilAsync(
            async () =>
            {
                // A call of its own: the records take the resolved list when a call is made (a test without traffic has none).
                (await gateway.GetAsync($"{Paths.UserDashboard}/listing")).Dispose();
                return string.Join(", ", (await gateway.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers
                .SingleOrDefault(b => b.Name == ServiceNames.Payment)?.Endpoints
                .Select(e => $"{e.Name} at {new Uri(e.Address).Port}").Order() ?? Enumerable.Empty<string>());
            },
            listed => listed == expected,
            $"the gateway to list {expected}",
            within);
        return watch.Elapsed;
    }
}
