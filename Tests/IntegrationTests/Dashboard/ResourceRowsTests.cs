using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// What the AppHost shows on the Resources page, read from its resource notifications (what the dashboard renders):
/// a row per breaker following its breaker within a second, the row's buttons, the stubs' failure modes, the traffic.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class ResourceRowsTests(CircuitDemoApp system) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task LedgerRow_ShowsTheStoreItsFile_AndHowManyPaymentsItHolds()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, "ledger-row"))
        {
            Content = JsonContent.Create(new { amount = 1m, currency = "EUR" }),
        };
        request.Headers.Add(HeaderNames.IdempotencyKey, Guid.NewGuid().ToString());
        (await system.Gateway.SendAsync(request)).EnsureSuccessStatusCode();
        using var payments = system.CreateClient(ServiceNames.Payment);
        var ledger = (await payments.GetFromJsonAsync<LedgerView>(Paths.Ledger))!;

        // The row is read every two seconds; other tests of this system pay too, so at least as many as just counted.
        var row = await system.App.ResourceNotifications.WaitForResourceAsync(
                "payments-ledger",
                e => System.Text.RegularExpressions.Regex.Match(e.Snapshot.State?.Text ?? "", @"^(\d+) payments?$") is { Success: true } shown && long.Parse(shown.Groups[1].Value) >= ledger.Payments)
            .WaitAsync(TestTimeouts.Step);

        Assert.Equal(("SQLite", system.LedgerPath), (ledger.Store, ledger.Location));
        Assert.Equal(KnownResourceStateStyles.Success, row.Snapshot.State?.Style);
        Assert.Equal("SQLite", Property(row.Snapshot, "Store"));
        Assert.Equal(system.LedgerPath, Property(row.Snapshot, "Location"));
    }

    [Fact]
    public async Task BreakerRow_ReadsEachStateWithinASecondOfTheTransition_WithItsProperties()
    {
        var wallClock = new WallClockWatch();
        var rowOpen = system.WaitForBreakerRowAsync(ServiceNames.Order, "Open", TestTimeouts.Step);
        var rowHalfOpen = system.WaitForBreakerRowAsync(ServiceNames.Order, "HalfOpen", TestTimeouts.Step);
        await system.SetFailureModeAsync(ServiceNames.Order, new FailureMode(FailureKind.Error, StatusCode: 500));
        await system.DashboardAsync("rows");
        await system.DashboardAsync("rows");

        var shownOpen = await rowOpen;
        var shownHalfOpen = await rowHalfOpen;
        var changes = (await system.BreakerAsync(ServiceNames.Order)).StateChanges;
        var (opened, halfOpen) = (changes.Single(c => c.To == CircuitState.Open), changes.Single(c => c.To == CircuitState.HalfOpen));
        wallClock.AssertWithin(TimeSpan.FromSeconds(1), opened.Timestamp, shownOpen, "The row read Open");
        wallClock.AssertWithin(TimeSpan.FromSeconds(1), halfOpen.Timestamp, shownHalfOpen, "The row read HalfOpen");

        var row = Snapshot(BreakerNames.RowName(ServiceNames.Order));
        Assert.Equal(KnownResourceStateStyles.Warn, row.State?.Style);
        Assert.Equal("3 of 3", Property(row, "Failure streak"));
        Assert.StartsWith("open duration elapsed", Property(row, "Last change"));
        Assert.Equal("1 HalfOpen", Property(row, "Replicas"));
        Assert.Matches($@"^\d+ of \d+ over {CircuitDemoApp.SlowCallDuration.TotalSeconds:0.###} s$", Property(row, "Slow calls"));
    }

    [Fact]
    public async Task BreakerRow_ExplainCommand_AnswersMarkdownSayingWhyItIsOpen_AndTheRowPublishesItsHealth()
    {
        await system.SetFailureModeAsync(ServiceNames.Payment, new FailureMode(FailureKind.Error, StatusCode: 500));
        var row = BreakerNames.RowName(ServiceNames.Payment);
        var opened = system.WaitForBreakerRowAsync(ServiceNames.Payment, "Open", TestTimeouts.Step);
        await system.DashboardAsync("explain");
        await opened;

        var result = await system.App.ResourceCommands.ExecuteCommandAsync(row, "explain").WaitAsync(TestTimeouts.Step);

        Assert.True(result.Success, result.Message);
        Assert.Equal(CommandResultFormat.Markdown, result.Data?.Format);
        var markdown = result.Data!.Value;
        Assert.StartsWith($"## {ServiceNames.Payment} is ", markdown, StringComparison.Ordinal);
        Assert.Contains("2 consecutive failures", markdown, StringComparison.Ordinal); // the rule that opened it
        Assert.Contains("| consecutive failures |", markdown, StringComparison.Ordinal); // each rule with its counts
        Assert.Contains("| failure |", markdown, StringComparison.Ordinal); // the last calls, as counted
        Assert.Contains($"| {ServiceNames.Payment} (", markdown, StringComparison.Ordinal); // its instance, with its streaks and estimate
        Assert.Contains("**Next probe:**", markdown, StringComparison.Ordinal);

        var health = Assert.Single(Snapshot(row).HealthReports);
        Assert.Equal(("circuit-breaker", HealthStatus.Degraded), (health.Name, health.Status));
        Assert.StartsWith($"Circuit breaker {ServiceNames.Payment} is ", health.Description, StringComparison.Ordinal); // Open or HalfOpen, and why
    }

    [Fact]
    public async Task BreakerRowButtons_IsolateAndReset_ActOnTheBreaker_EachEnabledOnlyWhereItChangesSomething()
    {
        var row = BreakerNames.RowName(ServiceNames.Payment + BreakerNames.WriteSuffix);
        await system.WaitForBreakerRowAsync(ServiceNames.Payment + BreakerNames.WriteSuffix, "Closed", TestTimeouts.Step);
        Assert.Equal((ResourceCommandState.Enabled, ResourceCommandState.Disabled), (CommandState(row, "isolate"), CommandState(row, "reset")));

        await system.ExecuteAsync(row, "isolate");
        await system.WaitForBreakerRowAsync(ServiceNames.Payment + BreakerNames.WriteSuffix, "Isolated", TestTimeouts.Step);
        Assert.Equal(CircuitState.Isolated, (await system.BreakerAsync(ServiceNames.Payment + BreakerNames.WriteSuffix)).State);
        Assert.Equal(KnownResourceStateStyles.Error, Snapshot(row).State?.Style);
        await Eventually.UntilAsync(() => Task.FromResult((CommandState(row, "isolate"), CommandState(row, "reset"))), s => s == (ResourceCommandState.Disabled, ResourceCommandState.Enabled), "the buttons to follow the state");

        await system.ExecuteAsync(row, "reset");
        await system.WaitForBreakerRowAsync(ServiceNames.Payment + BreakerNames.WriteSuffix, "Closed", TestTimeouts.Step);
        Assert.Equal(CircuitState.Closed, (await system.BreakerAsync(ServiceNames.Payment + BreakerNames.WriteSuffix)).State);
    }

    [Fact]
    public async Task StubRow_ShowsItsFailureModeAndDegradedInOneUpdate_BeforeAnyRequest_AndTheDestructiveButtonsAsk()
    {
        // The first update that shows the mode is the one that shows its health too: Degraded with the mode, Healthy
        // again with none, not left to Aspire's next health check of a healthy resource, up to 30 s later.
        var failing = RowShowingAsync(ServiceNames.User, "trickle (20000 ms)");
        await system.SetFailureModeAsync(ServiceNames.User, new FailureMode(FailureKind.Trickle, DurationMs: 20_000));
        Assert.Equal(HealthStatus.Degraded, (await failing).HealthStatus);

        var recovered = RowShowingAsync(ServiceNames.User, "none");
        await system.SetFailureModeAsync(ServiceNames.User, FailureMode.None);
        Assert.Equal(HealthStatus.Healthy, (await recovered).HealthStatus);

        var commands = Snapshot(ServiceNames.User).Commands;
        Assert.All(["fail-down", "fail-hang", "fail-stall"], name => Assert.False(string.IsNullOrEmpty(commands.Single(c => c.Name == name).ConfirmationMessage)));
        Assert.True(string.IsNullOrEmpty(commands.Single(c => c.Name == "recover").ConfirmationMessage));
        Assert.False(string.IsNullOrEmpty(Snapshot(BreakerNames.RowName(ServiceNames.User)).Commands.Single(c => c.Name == "isolate").ConfirmationMessage));
    }

    [Fact]
    public async Task Traffic_StartedFromItsRow_SendsSteadyRequestsToTheDashboard_StopsCleanly()
    {
        var before = (await system.BreakerAsync(ServiceNames.User)).TotalRequests;

        await system.ExecuteAsync(ServiceNames.Traffic, KnownResourceCommands.StartCommand);
        await system.App.ResourceNotifications.WaitForResourceAsync(ServiceNames.Traffic, KnownResourceStates.Running).WaitAsync(TestTimeouts.Startup);
        var running = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.UntilAsync(
            async () => (await system.BreakerAsync(ServiceNames.User)).TotalRequests - before,
            sent => sent >= 3 * CircuitDemoApp.TrafficRate,
            "three seconds' worth of traffic to reach user-service's breaker",
            TestTimeouts.Startup);

        await system.ExecuteAsync(ServiceNames.Traffic, KnownResourceCommands.StopCommand);
        // The command returns once the stop is requested; the row reaches its final state a moment later.
        var stopped = (await system.App.ResourceNotifications
            .WaitForResourceAsync(ServiceNames.Traffic, e => e.Snapshot.State?.Text == KnownResourceStates.Finished || e.Snapshot.State?.Text == KnownResourceStates.Exited)
            .WaitAsync(TestTimeouts.Step)).Snapshot;
        Assert.Equal(0, stopped.ExitCode);

        // Steady, not a burst: at its rate, three requests take at least two intervals.
        Assert.True(running.Elapsed >= TimeSpan.FromSeconds(2.0 / CircuitDemoApp.TrafficRate), $"three requests came within {running.Elapsed.TotalSeconds:0.0} s");
    }

    // Started before the mode is set, so it sees the very update that first shows the mode.
    private async Task<CustomResourceSnapshot> RowShowingAsync(string stub, string mode) =>
        (await system.App.ResourceNotifications
            .WaitForResourceAsync(stub, e => Property(e.Snapshot, "Failure mode") == mode)
            .WaitAsync(TestTimeouts.Step)).Snapshot;

    private CustomResourceSnapshot Snapshot(string resource) =>
        system.App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot : throw new InvalidOperationException($"No {resource}");

    private ResourceCommandState CommandState(string resource, string command) =>
        Snapshot(resource).Commands.Single(c => c.Name == command).State;

    private static string? Property(CustomResourceSnapshot snapshot, string displayName) =>
        snapshot.Properties.FirstOrDefault(p => p.DisplayName == displayName)?.Value?.ToString();
}
