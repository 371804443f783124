using System.Diagnostics;
using CircuitDemo.Contracts;

namespace CircuitDemo.IntegrationTests.Discovery;

/// <summary>
/// On a cluster the gateway finds each service's pods through DNS (a headless Service's SRV records), again every
/// refresh period: here a DNS server in the test lists three PaymentService processes, then five, then two, while a
/// client keeps asking the gateway for dashboards. Plain processes, no AppHost: the gateway is told no address of
/// payment-service, only where DNS is.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class PodsFoundByDnsTests
{
    internal static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    // What a list takes to show beyond the refresh period itself: the DNS answer, service discovery's refresh, the next
    // dashboard call and the poll's own step, on a loaded machine.
    internal static readonly TimeSpan Allowance = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ScaledFromThreeToFiveToTwo_TheGatewayListsExactlyThosePodsWithinARefreshPeriod_EveryPaymentsSectionLive_APodAddressedByItsName()
    {
        await using var dns = new TestDnsServer();
        var processes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ServiceProcess.StartAliveAsync(new Projects.PaymentService(), new Dictionary<string, string>())));
        try
        {
            var pods = processes.Select((process, i) => new TestDnsServer.Pod(
                $"{ServiceNames.Payment}-{i}.{ServiceNames.Payment}.test.svc.cluster.local",
                new IPEndPoint(IPAddress.Loopback, process.Url.Port))).ToArray();
            dns.List(ServiceNames.Payment, pods.Take(3));
            await using var gateway = await ServiceProcess.StartAliveAsync(new Dictionary<string, string>
            {
                ["ServiceDiscovery__Dns__Enabled"] = "true",
                ["ServiceDiscovery__Dns__NameServer"] = dns.NameServer,
                ["ServiceDiscovery__Dns__RefreshPeriod"] = RefreshPeriod.ToString(),
                // Configuration comes first: the two other services are named there (nothing listens), payments are not.
                [$"services__{ServiceNames.User}__http__0"] = "http://127.0.0.1:1",
                [$"services__{ServiceNames.Order}__http__0"] = "http://127.0.0.1:1",
            });
            using var client = gateway.Client();
            await using var traffic = DashboardTraffic.Start(client);

            await UntilListedAsync(client, pods.Take(3), TestTimeouts.Step);

            dns.List(ServiceNames.Payment, pods);
            var scaledOut = await UntilListedAsync(client, pods, RefreshPeriod + Allowance);

            dns.List(ServiceNames.Payment, pods.Take(2));
            var scaledIn = await UntilListedAsync(client, pods.Take(2), RefreshPeriod + Allowance);

            // The pods gone from DNS stop, as a StatefulSet's scale-down stops them: nothing calls them any more.
            foreach (var removed in processes.Skip(2))
            {
                await removed.DisposeAsync();
            }

            // DNS lists nothing (a broken zone, a name server that lost its records): the gateway keeps the last good list
            // and says so in its log. Two more questions answered: at least one whole refresh has seen the empty answer.
            dns.List(ServiceNames.Payment, []);
            var answered = dns.Answered;
            await Eventually.UntilAsync(() => Task.FromResult(dns.Answered), n => n >= answered + 2, "two more questions to DNS");
            await UntilListedAsync(client, pods.Take(2), TimeSpan.Zero);
            Assert.Contains("keeping the last good list of 2 endpoints", gateway.Output);

            var (sections, notLive) = await traffic.StopAsync();

            // A pod is addressed by its name from DNS: the failure mode goes to payment-service-1 and to no other pod.
            using var simulate = new HttpRequestMessage(HttpMethod.Post, $"/simulate-failure/{ServiceNames.Payment}-1") { Content = JsonContent.Create(new { mode = "error" }) };
            simulate.Headers.Add(HeaderNames.AdminKey, ServiceProcess.AdminKey);
            (await client.SendAsync(simulate)).EnsureSuccessStatusCode();
            Assert.Equal((FailureKind.None, FailureKind.Error), (await ModeOfAsync(processes[0]), await ModeOfAsync(processes[1])));

            Assert.True(notLive.Count == 0, $"Of {sections} payments sections, {notLive.Count} were not live: {string.Join(", ", notLive.Distinct())}.");
            TestReport.Text("dns-discovery", $"- DNS discovery (refresh period {RefreshPeriod.TotalSeconds:0} s): 3 → 5 pods listed by the gateway " +
                $"{scaledOut.TotalSeconds:0.0} s after DNS changed, 5 → 2 after {scaledIn.TotalSeconds:0.0} s; {sections} payments sections " +
                $"through both changes, the removed pods' stop and an empty answer (the last good list kept), every one live.\n");
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TheBareNameFailsUpstream_TheSearchDomainIsAskedNext_AndItsPodsServe()
    {
        // As on an air-gapped cluster: the bare name is forwarded upstream and fails; the cluster's own domain answers.
        await using var dns = new TestDnsServer();
        const string Zone = "test.svc.cluster.local";
        dns.FailOutside(Zone);
        await using var pod = await ServiceProcess.StartAliveAsync(new Projects.PaymentService(), new Dictionary<string, string>());
        var listed = new TestDnsServer.Pod($"{ServiceNames.Payment}-0.{ServiceNames.Payment}.{Zone}", new IPEndPoint(IPAddress.Loopback, pod.Url.Port));
        dns.List($"{ServiceNames.Payment}.{Zone}", [listed]);
        await using var gateway = await ServiceProcess.StartAliveAsync(new Dictionary<string, string>
        {
            ["ServiceDiscovery__Dns__Enabled"] = "true",
            ["ServiceDiscovery__Dns__NameServer"] = dns.NameServer,
            ["ServiceDiscovery__Dns__RefreshPeriod"] = RefreshPeriod.ToString(),
            ["ServiceDiscovery__Dns__SearchDomains__0"] = Zone,
            ["ServiceDiscovery__Dns__Ndots"] = "1", // the bare name (two dots) is asked first, and fails
            [$"services__{ServiceNames.User}__http__0"] = "http://127.0.0.1:1",
            [$"services__{ServiceNames.Order}__http__0"] = "http://127.0.0.1:1",
        });
        using var client = gateway.Client();

        await UntilListedAsync(client, [listed], TestTimeouts.Step);
        var dashboard = await client.GetFromJsonAsync<DashboardView>($"{Paths.UserDashboard}/42", StrictJson.Options);

        Assert.Equal(FallbackReasons.Live, dashboard!.Sources.Payments);
    }

    private static async Task<FailureKind> ModeOfAsync(ServiceProcess pod)
    {
        using var client = pod.Client();
        return (await client.GetFromJsonAsync<FailureMode>(Paths.FailureMode))!.Mode;
    }

    // The payment-service breaker's endpoints are exactly the pods': their names (from the SRV targets) and their ports.
    internal static async Task<TimeSpan> UntilListedAsync(HttpClient gateway, IEnumerable<TestDnsServer.Pod> pods, TimeSpan within)
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

    /// <summary>One client asking for a dashboard after another, for twelve users in turn, keeping each payments section's source.</summary>
    private sealed class DashboardTraffic : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<string> _notLive = [];
        private Task _running = Task.CompletedTask;
        private int _sections;

        public int Sections => Volatile.Read(ref _sections);

        public static DashboardTraffic Start(HttpClient gateway)
        {
            var traffic = new DashboardTraffic();
            traffic._running = traffic.RunAsync(gateway);
            return traffic;
        }

        private async Task RunAsync(HttpClient gateway)
        {
            for (var i = 0; !_stopping.IsCancellationRequested; i++)
            {
                var dashboard = await gateway.GetFromJsonAsync<DashboardView>($"{Paths.UserDashboard}/user-{i % 12 + 1}", StrictJson.Options);
                if (dashboard!.Sources.Payments != FallbackReasons.Live)
                {
                    _notLive.Add(dashboard.Sources.Payments);
                }

                Interlocked.Increment(ref _sections);
            }
        }

        public async Task<(int Sections, IReadOnlyList<string> NotLive)> StopAsync()
        {
            await _stopping.CancelAsync();
            await _running;
            return (Sections, _notLive);
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stopping.Dispose();
        }
    }
}
