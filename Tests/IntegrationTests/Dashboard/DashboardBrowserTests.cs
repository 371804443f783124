using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// A person's first five minutes on the real dashboard in a real browser, with clicks only: start the traffic, break
/// payment-service, watch its breaker's row read Open, ask it why (Explain), stop the traffic and heal it, watch the row
/// wait in HalfOpen, start the traffic again and watch the row read Closed. Every step waits for the state the next one needs (the rows
/// come over the dashboard's live connection, so once they show, a click is handled); no click is repeated.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class DashboardBrowserTests(CircuitDemoApp system) : IAsyncLifetime
{
    private static readonly float UiTimeoutMs = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;
    private static readonly float OpenWithinMs = (float)TimeSpan.FromSeconds(5).TotalMilliseconds;
    private static readonly float MenuWithinMs = (float)TestTimeouts.Step.TotalMilliseconds;
    private static readonly string PaymentBreakerRow = BreakerNames.RowName(ServiceNames.Payment);

    public Task InitializeAsync() => system.ResetAsync();

    // Chooses Explain in the row's menu and waits until the AppHost has run the command (its log says so), however long
    // a loaded machine takes: the dialog is awaited after that. A click the page had not wired yet, or one on a row the
    // grid was drawing again (its state changes every second here), opens no menu or reaches no command; then, and only
    // then, the menu is opened again (at most twice more).
    private async Task ExplainAsync(IPage page, string breaker)
    {
        var row = BreakerNames.RowName(breaker);
        var explained = $"Explain of {breaker} answered";
        var before = system.Logs.Count(r => r.Message.StartsWith(explained, StringComparison.Ordinal));
        for (var attempt = 1; ; attempt++)
        {
            await Row(page, row).Locator("fluent-button").Last.ClickAsync();
            try
            {
                await page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = "Explain" }).ClickAsync(new() { Timeout = MenuWithinMs });
                await Eventually.UntilAsync(
                    () => Task.FromResult(system.Logs.Count(r => r.Message.StartsWith(explained, StringComparison.Ordinal))),
                    count => count > before,
                    $"the AppHost to run Explain on {row}",
                    TestTimeouts.Step);
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                await page.Keyboard.PressAsync("Escape"); // the menu, if it is still open
            }
        }
    }

    public Task DisposeAsync() => system.ResetAsync();

    [ChromiumFact]
    public async Task FirstFiveMinutes_StartTraffic_FailPayments_RowReadsOpen_Recover_RowPassesHalfOpenToClosed()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout(UiTimeoutMs);
        SetDefaultExpectTimeout(UiTimeoutMs);

        await OpenResourcesPageAsync(page);

        // Start the traffic from its row (not started yet, or stopped by an earlier test).
        await Expect(Button(page, ServiceNames.Traffic, "Start")).ToBeEnabledAsync();
        await Button(page, ServiceNames.Traffic, "Start").ClickAsync();
        await Expect(Row(page, ServiceNames.Traffic)).ToContainTextAsync("Running");
        await TrafficReachesPaymentsAsync();

        // Break payment-service: once the mode is in effect, its breaker's row reads Open within five seconds. (The
        // clock starts there, not at the click: the command's own round trip is not the breaker's doing, and on a
        // loaded machine it alone can take seconds. The click-to-Open time is measured and written down as well.)
        var clicked = Stopwatch.StartNew();
        await Button(page, ServiceNames.Payment, "Fail with errors").ClickAsync();
        await ModeInEffectAsync(FailureKind.Error);
        var modeInEffect = clicked.Elapsed;
        await Expect(Row(page, PaymentBreakerRow)).ToContainTextAsync("Open", new() { Timeout = OpenWithinMs });
        TestReport.Text("dashboard-open-row", $"- Dashboard: *Fail with errors* pressed, payment-service in mode error after " +
            $"{modeInEffect.TotalSeconds:0.0} s, its breaker's row read Open {clicked.Elapsed.TotalSeconds:0.0} s after the click " +
            $"(traffic at {CircuitDemoApp.TrafficRate} request a second).\n");
        await page.ScreenshotAsync(new() { Path = TestReport.PathFor("dashboard-resources-breaker-open.png") });

        // Ask the row why: Explain, in the row's menu (the dashboard shows two commands as buttons, Isolate and Reset),
        // shows its Markdown at once, in a dialog, saying which rule opened it.
        await ExplainAsync(page, ServiceNames.Payment);
        // (The dialog's role is inside its shadow root, apart from the content; the element holds both.) With the traffic
        // on and a one-second open duration, the breaker may be Open or probing in HalfOpen by the time it answers.
        var explanation = page.Locator("fluent-dialog").Filter(new() { HasText = $"{ServiceNames.Payment} is " });
        await Expect(explanation).ToContainTextAsync(new Regex($"{ServiceNames.Payment} is (Open|HalfOpen)"));
        await Expect(explanation).ToContainTextAsync(new Regex("(Opened at|it had opened because of)"));
        await Expect(explanation).ToContainTextAsync("consecutive failures");
        await Expect(explanation).ToContainTextAsync("Next probe");
        await page.ScreenshotAsync(new() { Path = TestReport.PathFor("dashboard-explain.png"), Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Escape");
        await Expect(explanation).ToBeHiddenAsync();

        // Heal it with the traffic stopped: once the open duration has passed the row reads Half open and stays so,
        // waiting for a probe (with traffic flowing, two quick probes can end HalfOpen within milliseconds, too soon
        // for the page to render it). Start the traffic again: two successful probes and the row reads Closed. Every
        // state the row shows from here is recorded by the page itself, not polled for.
        await Button(page, ServiceNames.Traffic, "Stop").ClickAsync();
        await Expect(Button(page, ServiceNames.Traffic, "Start")).ToBeEnabledAsync();
        await Button(page, ServiceNames.Payment, "Recover").ClickAsync();
        await ModeInEffectAsync(FailureKind.None);
        await Expect(Row(page, PaymentBreakerRow)).ToContainTextAsync("Half open");
        var states = await RowStates.StartAsync(page, PaymentBreakerRow);
        await Button(page, ServiceNames.Traffic, "Start").ClickAsync();
        await Expect(Row(page, ServiceNames.Traffic)).ToContainTextAsync("Running");
        var shown = await UntilClosedAsync(states);
        Assert.True(shown is ["Half open", "Closed"], $"The row showed {string.Join(" → ", shown)}.");
        await page.ScreenshotAsync(new() { Path = TestReport.PathFor("dashboard-resources-breaker-closed.png") });

        var breaker = await system.BreakerAsync(ServiceNames.Payment);
        Assert.Equal((CircuitState.HalfOpen, CircuitState.Closed), (breaker.StateChanges[^1].From, breaker.StateChanges[^1].To));

        // The traffic's own meter reached the dashboard: answers counted by where each section came from.
        await page.GotoAsync(new Uri(system.DashboardUrl, $"/metrics/resource/{ServiceNames.Traffic}?meter=CircuitDemo.Traffic&instrument=traffic.sections&duration=5&view=Table").ToString());
        await Expect(page.GetByText("Dashboard sections received").First).ToBeVisibleAsync();
    }

    private Task OpenResourcesPageAsync(IPage page) =>
        Chromium.OpenResourcesPageAsync(page, system.DashboardUrl, p => Row(p, PaymentBreakerRow), "Closed");

    // On a timeout, says what the row, the traffic and the breaker itself were doing.
    private async Task<IReadOnlyList<string>> UntilClosedAsync(RowStates states)
    {
        try
        {
            return await states.UntilAsync("Closed");
        }
        catch (TimeoutException)
        {
            var breaker = await system.BreakerAsync(ServiceNames.Payment);
            throw new TimeoutException(
                $"The row never read Closed; it showed {string.Join(" → ", await states.ShownAsync())} (its resource: " +
                $"{system.StateOf(PaymentBreakerRow)}); traffic: {system.StateOf(ServiceNames.Traffic)}; the breaker: {breaker}");
        }
    }

    // The traffic's requests reach payment-service through its breaker: the traffic process has started and is sending.
    private async Task TrafficReachesPaymentsAsync()
    {
        var before = (await system.BreakerAsync(ServiceNames.Payment)).TotalRequests;
        await Eventually.UntilAsync(
            async () => (await system.BreakerAsync(ServiceNames.Payment)).TotalRequests,
            total => total > before,
            "the traffic's requests to reach the payment-service breaker");
    }

    private async Task ModeInEffectAsync(FailureKind kind)
    {
        using var payments = system.CreateClient(ServiceNames.Payment);
        await Eventually.UntilAsync(
            async () => (await payments.GetFromJsonAsync<FailureMode>("/failure-mode"))!.Mode,
            mode => mode == kind,
            $"payment-service to be in mode {kind}");
    }

    private static ILocator Row(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });

    // A highlighted command: a button in the row's actions, whose tooltip starts with the command's name.
    private static ILocator Button(IPage page, string resource, string name) =>
        Row(page, resource).Locator($"fluent-button[title^='{name}']");
}
