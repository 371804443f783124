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
    [Fact]
    public async Task ScaledFromThreeToFiveToTwo_TheGatewayListsExactlyThosePodsWithinARefreshPeriod_EveryPaymentsSectionLive_APodAddressedByItsName()
    {
        await using var dns = new TestDnsServer();
        var (processes, pods) = await DnsPods.StartAsync(5);
        try
        {
            dns.List(ServiceNames.Payment, pods.Take(3));
            await using var gateway = await DnsPods.StartGatewayAsync(dns);
            using var client = gateway.Client();
            await using var traffic = DashboardTraffic.Start(client);

            await DnsPods.UntilListedAsync(client, pods.Take(3), TestTimeouts.Step);

            dns.List(ServiceNames.Payment, pods);
            var scaledOut = await DnsPods.UntilListedAsync(client, pods, DnsPods.RefreshPeriod + DnsPods.Allowance);

            dns.List(ServiceNames.Payment, pods.Take(2));
            var scaledIn = await DnsPods.UntilListedAsync(client, pods.Take(2), DnsPods.RefreshPeriod + DnsPods.Allowance);

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
            await DnsPods.UntilListedAsync(client, pods.Take(2), TimeSpan.Zero);
            Assert.Contains("keeping the last good list of 2 endpoints", gateway.Output);

            var (sections, notLive, explained) = await traffic.StopAsync();

            // A pod is addressed by its name from DNS: the failure mode goes to payment-service-1 and to no other pod.
            using var simulate = new HttpRequestMessage(HttpMethod.Post, $"/simulate-failure/{ServiceNames.Payment}-1") { Content = JsonContent.Create(new { mode = "error" }) };
            simulate.Headers.Add(HeaderNames.AdminKey, ServiceProcess.AdminKey);
            (await client.SendAsync(simulate)).EnsureSuccessStatusCode();
            Assert.Equal((FailureKind.None, FailureKind.Error), (await ModeOfAsync(processes[0]), await ModeOfAsync(processes[1])));

            Assert.True(
                notLive.Count == 0,
                $"Of {sections} payments sections, {notLive.Count} were not live: {string.Join(", ", notLive.Distinct())}.\n{explained}");
            TestReport.Text("dns-discovery", $"- DNS discovery (refresh period {DnsPods.RefreshPeriod.TotalSeconds:0} s): 3 → 5 pods listed by the gateway " +
                $"{scaledOut.TotalSeconds:0.0} s after DNS changed, 5 → 2 after {scaledIn.TotalSeconds:0.0} s; {sections} payments sections " +
                $"through both changes, the removed pods' stop and an empty answer (the last good list kept), every one live.\n");
        }
        finally
        {
            await DnsPods.StopAsync(processes);
        }
    }

    [Fact]
    public async Task TheBareNameFailsUpstream_TheSearchDomainIsAskedNext_AndItsPodsServe()
    {
        // As on an air-gapped cluster: the bare name is forwarded upstream and fails; the cluster's own domain answers.
        await using var dns = new TestDnsServer();
        dns.FailOutside(DnsPods.Zone);
        var (processes, pods) = await DnsPods.StartAsync(1);
        await using var pod = processes[0];
        var listed = pods[0];
        dns.List($"{ServiceNames.Payment}.{DnsPods.Zone}", [listed]);
        await using var gateway = await DnsPods.StartGatewayAsync(
            dns,
            ("ServiceDiscovery__Dns__SearchDomains__0", DnsPods.Zone),
            ("ServiceDiscovery__Dns__Ndots", "1")); // the bare name (two dots) is asked first, and fails
        using var client = gateway.Client();

        await DnsPods.UntilListedAsync(client, [listed], TestTimeouts.Step);
        var dashboard = await client.GetFromJsonAsync<DashboardView>($"{Paths.UserDashboard}/42", StrictJson.Options);

        Assert.Equal(FallbackReasons.Live, dashboard!.Sources.Payments);
    }

    private static async Task<FailureKind> ModeOfAsync(ServiceProcess pod)
    {
        using var client = pod.Client();
        return (await client.GetFromJsonAsync<FailureMode>(Paths.FailureMode))!.Mode;
    }

    /// <summary>One client asking for a dashboard after another, for twelve users in turn, keeping each payments section's source.</summary>
    private sealed class DashboardTraffic : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<string> _notLive = [];
        private readonly List<string> _explained = [];
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
                    // Why, while the breaker's last calls still hold it: which instance, how long, counted as what.
                    _notLive.Add(dashboard.Sources.Payments);
                    _explained.Add(await gateway.GetStringAsync(Paths.BreakerExplanation(ServiceNames.Payment)));
                }

                Interlocked.Increment(ref _sections);
            }
        }

        public async Task<(int Sections, IReadOnlyList<string> NotLive, string Explained)> StopAsync()
        {
            await _stopping.CancelAsync();
            await _running;
            return (Sections, _notLive, string.Join("\n", _explained));
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stopping.Dispose();
        }
    }
}
