using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>
/// Every fault a stub service can inject, and a real process stop, against each service in turn: the dashboard keeps
/// answering 200 in time with that section's fallback and the others live, the breaker opens at its threshold, a call
/// it rejects reaches no service, and after recovery it goes HalfOpen after the open duration and Closed after the
/// success threshold. Each case writes its row of the table in RESULTS.md, "The fault matrix, the soak, writes under faults, memory (the integration tests)".
/// </summary>
[Collection(FaultMatrixSystem.Name)]
[TestCaseOrderer("CircuitDemo.IntegrationTests.Reliability.FaultMatrixTests+InTableOrder", "CircuitDemo.IntegrationTests")]
public sealed class FaultMatrixTests(FaultMatrixApp system, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Table = "fault-matrix";
    private const string Header = "| service | fault | first fallback | time to open | time to close | slowest answer |\n|---|---|---|---|---|---|";

    /// <summary>
    /// A read ends within one attempt timeout after at most a fast failure and its retry (a timeout is never retried):
    /// within the longest here, payment-service's. Each answer is held to that plus 3 s: what a loaded 2-core machine
    /// can add to one answer while the other systems of the suite start beside this one.
    /// That is still far below what a missing timeout gives (a hang never answers, a trickle takes 20 s); a slow
    /// service's 3 s answer is told apart by its fallback reason. The table shows each case's slowest answer.
    /// </summary>
    private static readonly TimeSpan LatencyBound = FaultMatrixApp.PaymentTimeout + TimeSpan.FromSeconds(3);

    /// <summary>Each fault, with exactly the body the contract shows where it shows one, and the reason its first fallback gives.</summary>
    private static readonly Dictionary<string, (FailureMode? Mode, string Reason)> Faults = new()
    {
        ["error"] = (new(FailureKind.Error, StatusCode: 500), FallbackReasons.Error),
        ["slow"] = (new(FailureKind.Slow, DelayMs: 3000), FallbackReasons.Timeout),
        ["hang"] = (new(FailureKind.Hang), FallbackReasons.Timeout),
        ["flaky"] = (new(FailureKind.Flaky, FailureRate: 1.0), FallbackReasons.Error),
        ["down"] = (new(FailureKind.Down), FallbackReasons.Unavailable),
        ["stall"] = (new(FailureKind.Stall), FallbackReasons.Timeout),
        ["trickle"] = (new(FailureKind.Trickle, DurationMs: 20_000), FallbackReasons.Timeout),
        ["cut"] = (new(FailureKind.Cut), FallbackReasons.Error),
        ["garbage"] = (new(FailureKind.Garbage), FallbackReasons.Error),
        ["busy"] = (new(FailureKind.Busy, StatusCode: 503, RetryAfterSeconds: 120), FallbackReasons.Error),
        ["huge"] = (new(FailureKind.Huge, SizeBytes: 300_000_000), FallbackReasons.Error),

        // Aspire's endpoint proxy still accepts the connection of a stopped process and holds it: a timeout. Last of
        // each service's faults (InTableOrder): the restarted process is cold, and the first fault it met, while the
        // other systems were starting, once took longer than the attempt timeout to answer.
        ["stopped"] = (null, FallbackReasons.Timeout),
    };

    private readonly Lock _slowestLock = new();
    private TimeSpan _slowest;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var service in ServiceNames.Stubs)
        {
            foreach (var fault in Faults.Keys)
            {
                cases.Add(service, fault);
            }
        }

        return cases;
    }

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_AnswersInTime_OpensAtThreshold_RejectsWithoutCalling_Recovers(string service, string fault)
    {
        // The thresholds as the running gateway has them (its appsettings.json), not copied here.
        var before = await system.BreakerAsync(service);
        var (threshold, changesBefore) = (before.Options.FailureThreshold, before.ChangesSoFar);
        var wallClock = new WallClockWatch();
        var injected = Stopwatch.StartNew();
        await InjectAsync(service, fault);

        // The first answer falls back with the fault's own reason; the other sections stay live. A fault that ends in
        // the attempt timeout gets the threshold's worth of calls at once: a timeout is never retried, so each call is
        // one attempt and one failure, and together they take one attempt timeout instead of one after another.
        var firstCalls = Faults[fault].Reason == FallbackReasons.Timeout ? threshold : 1;
        var firstAnswers = await Task.WhenAll(Enumerable.Range(0, firstCalls).Select(_ => TimedDashboardAsync(service)));
        Assert.All(firstAnswers, first =>
        {
            Assert.Equal(Faults[fault].Reason, first.Sources.Of(service));
            AssertFallbackShape(first, service);
        });

        // The breaker opens after exactly the configured threshold of consecutive failures. Judged on its first opening
        // since the fault went in: on a busy machine the open duration can pass before this loop reads the breaker, and
        // its next call is then a probe that fails and reopens it.
        var open = await Eventually.UntilAsync(
            async () =>
            {
                await TimedDashboardAsync(service);
                return await system.BreakerAsync(service);
            },
            b => b.ChangesAfter(changesBefore).Any(c => c.To == CircuitState.Open),
            $"{service}'s breaker to open under {fault}");
        var timeToOpen = injected.Elapsed;
        var opening = open.ChangesAfter(changesBefore).First(c => c.To == CircuitState.Open);
        Assert.Equal(CircuitState.Closed, opening.From);
        Assert.Contains($"{threshold} consecutive", opening.Reason, StringComparison.Ordinal);
        Assert.Equal(threshold, open.FailureCount);

        await AssertRejectedWithoutCallingAsync(service, fault);

        // Recovery: HalfOpen after the open duration, Closed after the success threshold, live data again.
        var recovering = Stopwatch.StartNew();
        await RecoverAsync(service, fault);
        var closed = await Eventually.UntilAsync(
            async () =>
            {
                await TimedDashboardAsync(service);
                return await system.BreakerAsync(service);
            },
            b => b.State == CircuitState.Closed,
            $"{service}'s breaker to close after {fault}",
            TimeSpan.FromSeconds(60));
        var timeToClose = recovering.Elapsed;
        var (opened, halfOpen, closing) = (closed.StateChanges[^3], closed.StateChanges[^2], closed.StateChanges[^1]);
        Assert.Equal(CircuitState.Open, opened.To); // from Closed, or from HalfOpen if a probe came before the service was back
        Assert.Equal((CircuitState.Open, CircuitState.HalfOpen), (halfOpen.From, halfOpen.To));
        wallClock.AssertApart(system.OpenDuration, opened.Timestamp, halfOpen.Timestamp, "Open and HalfOpen");
        Assert.Equal((CircuitState.HalfOpen, CircuitState.Closed), (closing.From, closing.To));
        Assert.Contains($"{before.Options.SuccessThreshold} successful probes", closing.Reason, StringComparison.Ordinal);
        Assert.Equal(FallbackReasons.Live, (await TimedDashboardAsync(service)).Sources.Of(service));

        var row = $"| {service} | {fault} | {Faults[fault].Reason} | {timeToOpen.TotalSeconds:0.0} s | {timeToClose.TotalSeconds:0.0} s | {_slowest.TotalMilliseconds:0} ms |";
        output.WriteLine(row);
        TestReport.Row(Table, Header, $"{Position(service, fault):000}", row);
    }

    // A call the breaker rejects reaches no service: the service's own count (where it is running) and the breaker's
    // attempts both stay put. Judged on a call answered before the next attempt time, after which it could be a probe.
    private async Task AssertRejectedWithoutCallingAsync(string service, string fault)
    {
        var (open, (serviceCalls, answer)) = await system.WhileOpenAsync(service, async () =>
            (fault == "stopped" ? (long?)null : await system.BusinessRequestsAsync(service), await TimedDashboardAsync(service)));

        var after = await system.BreakerAsync(service);
        Assert.Equal(FallbackReasons.CircuitOpen, answer.Sources.Of(service));
        Assert.Equal((open.FailedRequests, open.SuccessfulRequests), (after.FailedRequests, after.SuccessfulRequests));
        Assert.True(after.RejectedRequests > open.RejectedRequests);
        if (serviceCalls is { } before)
        {
            Assert.Equal(before, await system.BusinessRequestsAsync(service));
        }
    }

    private async Task<DashboardView> TimedDashboardAsync(string service)
    {
        var watch = Stopwatch.StartNew();
        var dashboard = await system.DashboardAsync("matrix-1");
        watch.Stop();
        lock (_slowestLock)
        {
            _slowest = watch.Elapsed > _slowest ? watch.Elapsed : _slowest;
        }

        Assert.True(watch.Elapsed < LatencyBound, $"{service}: the dashboard took {watch.Elapsed.TotalMilliseconds:0} ms (bound {LatencyBound.TotalMilliseconds:0} ms).");
        Assert.All(ServiceNames.Stubs.Where(s => s != service), other => Assert.Equal(FallbackReasons.Live, dashboard.Sources.Of(other)));
        return dashboard;
    }

    private Task InjectAsync(string service, string fault) =>
        Faults[fault].Mode is { } mode
            ? system.SetFailureModeAsync(service, mode)
            : system.ExecuteAsync(service, KnownResourceCommands.StopCommand);

    private async Task RecoverAsync(string service, string fault)
    {
        if (fault == "stopped")
        {
            await system.EnsureRunningAsync(service);
            return;
        }

        await system.SetFailureModeAsync(service, FailureMode.None);
    }

    /// <summary>A case's row in the table: service by service, each one's faults in the order above.</summary>
    private static int Position(string service, string fault) =>
        (Array.IndexOf([.. ServiceNames.Stubs], service) * Faults.Count) + Faults.Keys.ToList().IndexOf(fault);

    /// <summary>Runs the cases in the table's order (xunit's own is by an id hash), so each service's stop comes last.</summary>
    public sealed class InTableOrder : ITestCaseOrderer
    {
        public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
            where TTestCase : ITestCase =>
            testCases.OrderBy(c => Position((string)c.TestMethodArguments[0], (string)c.TestMethodArguments[1]));
    }


    private static void AssertFallbackShape(DashboardView dashboard, string service)
    {
        switch (service)
        {
            case ServiceNames.User:
                Assert.Equal("Fallback User", dashboard.User.Name);
                Assert.True(dashboard.User.FromCache);
                break;
            case ServiceNames.Order:
                Assert.Empty(dashboard.Orders.Orders);
                Assert.True(dashboard.Orders.FromCache);
                break;
            default:
                Assert.Equal("Payment service unavailable", dashboard.Payments.Message);
                break;
        }
    }
}
