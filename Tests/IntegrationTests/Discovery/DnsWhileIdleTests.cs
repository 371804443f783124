using System.Diagnostics;
using CircuitDemo.Contracts;

namespace CircuitDemo.IntegrationTests.Discovery;

/// <summary>
/// Service discovery lets go of a watcher, and its providers, that no call used for a while (10 to 20 s). The list DNS
/// gave, its last good answer and its refresh loop must not go with them: here the gateway is idle while DNS is silent,
/// until it lets go, and the next calls must still find the pods. Plain processes and the test's own DNS server, as in
/// <see cref="PodsFoundByDnsTests"/> (<see cref="DnsPods"/>).
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class DnsWhileIdleTests
{
    // Service discovery's cleanup runs every 10 s and lets go of what was not used since the last run: at most 20 s.
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task IdleWhileDnsIsSilent_TheNextCallsFindTheLastGoodList_AndALateAnswerIsTakenWhenItComes()
    {
        // As on a cluster at night: two pods listed, the gateway idle while DNS stops answering, then calls again.
        await using var dns = new TestDnsServer();
        var processes = await ServiceProcess.StartAllAliveAsync(3, new Projects.PaymentService(), new Dictionary<string, string>());
        try
        {
            var pods = processes.Select((process, i) => new TestDnsServer.Pod(
                $"{ServiceNames.Payment}-{i}.{ServiceNames.Payment}.test.svc.cluster.local",
                new IPEndPoint(IPAddress.Loopback, process.Url.Port))).ToArray();
            dns.List(ServiceNames.Payment, pods.Take(2));
            await using var gateway = await ServiceProcess.StartAliveAsync(new Dictionary<string, string>
            {
                ["ServiceDiscovery__Dns__Enabled"] = "true",
                ["ServiceDiscovery__Dns__NameServer"] = dns.NameServer,
                ["ServiceDiscovery__Dns__DnsPods.RefreshPeriod"] = DnsPods.RefreshPeriod.ToString(),
                ["Logging__LogLevel__CircuitDemo.ServiceDefaults.Discovery.Dns"] = "Debug",
                [$"services__{ServiceNames.User}__http__0"] = "http://127.0.0.1:1",
                [$"services__{ServiceNames.Order}__http__0"] = "http://127.0.0.1:1",
            });
            using var client = gateway.Client();
            await DnsPods.UntilListedAsync(client, pods.Take(2), TestTimeouts.Step);

            // No call while DNS is silent, until service discovery lets the idle watcher and its provider go (it does
            // after 10 to 20 s without a call): that is the moment a list kept by the provider would be lost.
            dns.Silence();
            var idle = Stopwatch.StartNew();
            await Eventually.UntilAsync(
                () => Task.FromResult(gateway.Output.Contains("service discovery let its provider go", StringComparison.Ordinal)),
                gone => gone,
                "service discovery to let the idle provider go",
                IdleLimit);
            var idleFor = idle.Elapsed;

            var payments = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                var dashboard = await client.GetFromJsonAsync<DashboardView>($"{Paths.UserDashboard}/user-{i % 12 + 1}", StrictJson.Options);
                payments.Add(dashboard!.Sources.Payments);
            }

            Assert.All(payments, source => Assert.Equal(FallbackReasons.Live, source));
            await DnsPods.UntilListedAsync(client, pods.Take(2), TimeSpan.Zero);

            // DNS answers again, each answer a second late, and lists a third pod: the gateway takes it.
            var late = TimeSpan.FromSeconds(1);
            dns.AnswerAfter(late);
            dns.List(ServiceNames.Payment, pods);
            // A question asked while DNS was silent is asked again only after the DNS client's own timeout (2 s): the
            // time this takes is reported, not bounded; that the late answer is taken at all is the point.
            var found = await DnsPods.UntilListedAsync(client, pods, TestTimeouts.Step);

            TestReport.Text("dns-discovery-idle", $"- DNS discovery, idle while DNS is silent: service discovery let the idle provider go after " +
                $"{idleFor.TotalSeconds:0} s without a call; the next {payments.Count} dashboards were all live on the last good list of 2 pods; " +
                $"DNS answering again, {late.TotalSeconds:0} s late, with a third pod: listed {found.TotalSeconds:0.0} s later.\n");
        }
        finally
        {
            await DnsPods.StopAsync(processes);
        }
    }
}
