using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>
/// Every fault the stub services can inject, and a real process stop, against one service at a time: the dashboard
/// keeps answering 200 in time with that section's fallback, the breaker opens at its threshold and stops calling,
/// and after recovery it goes HalfOpen after the open duration and Closed after the success threshold.
/// </summary>
public abstract class FaultMatrixTests(CircuitDemoApp system, ITestOutputHelper output)
{
    /// <summary>The attempt timeout the test configuration gives every breaker, plus room for a loaded 2-core machine.</summary>
    private static readonly TimeSpan LatencyBound = TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<string, string> Results = new();

    public static TheoryData<string> Faults => ["error", "slow", "hang", "flaky", "down", "stopped"];

    protected abstract string Service { get; }

    /// <summary>The seed's threshold for this service (the gateway's appsettings).</summary>
    protected abstract int Threshold { get; }

    private TimeSpan _worstLatency;

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_ServesFallbackInTime_OpensAtThreshold_RejectsWithoutCalling_ThenRecovers(string fault)
    {
        await system.ResetAsync();
        try
        {
            await InjectAndRecoverAsync(fault);
        }
        finally
        {
            if (fault == "stopped")
            {
                await EnsureRunningAsync(); // whatever failed, the next case needs the process back
            }
        }
    }

    private async Task InjectAndRecoverAsync(string fault)
    {
        // Inject the fault; the first answer falls back with the fault's own reason, the other sections stay live.
        var injected = Stopwatch.StartNew();
        await InjectAsync(fault);
        var first = await TimedDashboardAsync();
        Assert.Equal(ExpectedReason(fault), SourceOf(first));
        AssertOthersLive(first);
        AssertFallbackShape(first);

        // The breaker opens after exactly the configured threshold of consecutive failures.
        var open = await Eventually.UntilAsync(
            async () => { await TimedDashboardAsync(); return await system.BreakerAsync(Service); },
            b => b.State == "Open",
            $"{Service}'s breaker to open under {fault}");
        var timeToOpen = injected.Elapsed;
        Assert.Equal(Threshold, open.FailureCount);
        Assert.Equal($"{Threshold} consecutive failures", open.StateChanges[^1].Reason);

        // While open: fallback at once, and the service is not called.
        var callsBefore = fault == "stopped" ? 0 : await system.BusinessRequestsAsync(Service);
        var rejected = await TimedDashboardAsync();
        Assert.Equal("fallback:circuit-open", SourceOf(rejected));
        AssertOthersLive(rejected);
        if (fault != "stopped")
        {
            Assert.Equal(callsBefore, await system.BusinessRequestsAsync(Service));
        }

        Assert.True((await system.BreakerAsync(Service)).RejectedRequests > open.RejectedRequests);

        // Recover: HalfOpen after the open duration, Closed after the success threshold, live data again.
        var recovering = Stopwatch.StartNew();
        await RecoverAsync(fault);
        var closed = await Eventually.UntilAsync(
            async () => { await TimedDashboardAsync(); return await system.BreakerAsync(Service); },
            b => b.State == "Closed",
            $"{Service}'s breaker to close after {fault}",
            TimeSpan.FromSeconds(60));
        var timeToClose = recovering.Elapsed;
        var (openedAt, halfOpen, closing) = (closed.StateChanges[^3], closed.StateChanges[^2], closed.StateChanges[^1]);
        Assert.Equal("Open", openedAt.To); // from Closed, or from HalfOpen if a probe came before the service was back
        Assert.Equal(("Open", "HalfOpen"), (halfOpen.From, halfOpen.To));
        Assert.Equal(TimeSpan.FromSeconds(1), halfOpen.Timestamp - openedAt.Timestamp);
        Assert.Equal(("HalfOpen", "Closed", "2 successful probes"), (closing.From, closing.To, closing.Reason));
        Assert.Equal("live", SourceOf(await TimedDashboardAsync()));

        Results[$"{Service}|{fault}"] =
            $"| {Service} | {fault} | {ExpectedReason(fault)} | {timeToOpen.TotalSeconds:0.0} s | {timeToClose.TotalSeconds:0.0} s | {_worstLatency.TotalMilliseconds:0} ms |";
        output.WriteLine(Results[$"{Service}|{fault}"]);
        await File.WriteAllLinesAsync(
            Dashboard.Artifacts.PathFor("fault-matrix.md"),
            ["| service | fault | first fallback | time to open | time to close | worst dashboard latency |", "|---|---|---|---|---|---|",
             .. Results.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value)]);
    }

    private async Task<DashboardResponse> TimedDashboardAsync()
    {
        var watch = Stopwatch.StartNew();
        var dashboard = await system.DashboardAsync("matrix-1");
        watch.Stop();
        _worstLatency = watch.Elapsed > _worstLatency ? watch.Elapsed : _worstLatency;
        Assert.True(watch.Elapsed < LatencyBound, $"{Service}: the dashboard took {watch.Elapsed.TotalMilliseconds:0} ms.");
        return dashboard;
    }

    private async Task InjectAsync(string fault)
    {
        switch (fault)
        {
            case "stopped":
                await system.App.ResourceCommands.ExecuteCommandAsync(Resource(), KnownResourceCommands.StopCommand).WaitAsync(TestTimeouts.Step);
                break;
            default:
                await system.SetFailureModeAsync(Service, fault switch
                {
                    "error" => new { mode = "error", statusCode = 503 },
                    "slow" => new { mode = "slow", delayMs = 3000 },
                    "flaky" => new { mode = "flaky", failureRate = 1.0 },
                    _ => (object)new { mode = fault },
                });
                break;
        }
    }

    private async Task RecoverAsync(string fault)
    {
        if (fault == "stopped")
        {
            await EnsureRunningAsync();
            return;
        }

        using var client = system.Service(Service);
        using var request = CircuitDemoApp.Admin(HttpMethod.Delete, "/failure-mode");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private async Task EnsureRunningAsync()
    {
        if (system.App.ResourceNotifications.TryGetCurrentState(Service, out var current)
            && current.Snapshot.State?.Text == KnownResourceStates.Running)
        {
            return;
        }

        await system.App.ResourceCommands.ExecuteCommandAsync(Resource(), KnownResourceCommands.StartCommand).WaitAsync(TestTimeouts.Step);
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(Service).WaitAsync(TestTimeouts.Startup);
    }

    private IResource Resource() =>
        system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == Service);

    // A stopped process looks like a hang, not a refused connection: Aspire's endpoint proxy still accepts the
    // connection and holds it with nothing behind, so the attempt times out.
    private static string ExpectedReason(string fault) => fault switch
    {
        "error" or "flaky" => "fallback:error",
        "slow" or "hang" or "stopped" => "fallback:timeout",
        _ => "fallback:unavailable",
    };

    private string SourceOf(DashboardResponse dashboard) => Service switch
    {
        "user-service" => dashboard.Sources.User,
        "order-service" => dashboard.Sources.Orders,
        _ => dashboard.Sources.Payments,
    };

    private void AssertOthersLive(DashboardResponse dashboard)
    {
        var others = new[] { ("user-service", dashboard.Sources.User), ("order-service", dashboard.Sources.Orders), ("payment-service", dashboard.Sources.Payments) }
            .Where(s => s.Item1 != Service);
        Assert.All(others, s => Assert.Equal("live", s.Item2));
    }

    private void AssertFallbackShape(DashboardResponse dashboard)
    {
        switch (Service)
        {
            case "user-service":
                Assert.Equal("Fallback User", dashboard.User.GetProperty("name").GetString());
                Assert.True(dashboard.User.GetProperty("fromCache").GetBoolean());
                break;
            case "order-service":
                Assert.Equal(0, dashboard.Orders.GetProperty("orders").GetArrayLength());
                Assert.True(dashboard.Orders.GetProperty("fromCache").GetBoolean());
                break;
            default:
                Assert.Equal("Payment service unavailable", dashboard.Payments.GetProperty("message").GetString());
                break;
        }
    }
}

public sealed class UserServiceFaultMatrixTests(CircuitDemoApp system, ITestOutputHelper output)
    : FaultMatrixTests(system, output), IClassFixture<CircuitDemoApp>
{
    protected override string Service => "user-service";

    protected override int Threshold => 2;
}

public sealed class OrderServiceFaultMatrixTests(CircuitDemoApp system, ITestOutputHelper output)
    : FaultMatrixTests(system, output), IClassFixture<CircuitDemoApp>
{
    protected override string Service => "order-service";

    protected override int Threshold => 3;
}

public sealed class PaymentServiceFaultMatrixTests(CircuitDemoApp system, ITestOutputHelper output)
    : FaultMatrixTests(system, output), IClassFixture<CircuitDemoApp>
{
    protected override string Service => "payment-service";

    protected override int Threshold => 2;
}
