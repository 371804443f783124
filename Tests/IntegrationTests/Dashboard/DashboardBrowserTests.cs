using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// The real Aspire dashboard in a real browser: a tripped payment breaker shows in the metrics, the traces and the
/// resource list, and the gateway's reset button closes it.
/// </summary>
public sealed class DashboardBrowserTests(DashboardApp system) : IClassFixture<DashboardApp>
{
    // Generous: the AppHost re-checks health on its own schedule, and metrics arrive on the exporter's interval.
    private static readonly float UiTimeoutMs = (float)TimeSpan.FromSeconds(90).TotalMilliseconds;

    [ChromiumFact]
    public async Task TrippedPaymentBreaker_ShowsInMetricsTracesAndHealth_AndTheResetButtonClosesIt()
    {
        var traceId = await TripPaymentBreakerAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(UiTimeoutMs);
        SetDefaultExpectTimeout(UiTimeoutMs);

        await PaymentBreakerStateGauge_ReadsOpen(page);
        await DashboardTrace_ShowsTheRejectedPaymentCall(page, traceId);
        await Gateway_ShowsDegraded(page);
        await GatewayResetButton_ClosesTheBreaker(page);
    }

    // (a) Metrics → gateway → circuit_breaker.state, filtered to the payment breaker: 1 (Open); user-service: 0.
    private async Task PaymentBreakerStateGauge_ReadsOpen(IPage page)
    {
        await page.GotoAsync(new Uri(system.DashboardUrl,
            "/metrics/resource/gateway?meter=CircuitDemo.CircuitBreaker&instrument=circuit_breaker.state&duration=5&view=Table").ToString());
        await Expect(page.GetByText("State of each circuit breaker")).ToBeVisibleAsync();

        await ShowOnlyBreakerAsync(page, "payment-service");
        var latestValue = page.Locator("tr[role=row] td[col-index='2'] span").First;
        await Expect(latestValue).ToHaveTextAsync("1");
        await ShowOnlyBreakerAsync(page, "user-service");
        await page.GetByText("Only show value updates").ClickAsync(); // a value that never changed has no "update" rows
        await Expect(latestValue).ToHaveTextAsync("0");

        await ShowOnlyBreakerAsync(page, "payment-service");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Graph" }).ClickAsync();
        await Expect(page.Locator(".js-plotly-plot path.js-line").First).ToBeVisibleAsync(); // the line is drawn
        await page.ScreenshotAsync(new() { Path = Artifacts.PathFor("dashboard-metric-circuit-breaker-state.png") });
    }

    // (b) The trace of a degraded /user-dashboard request shows the payment call rejected by its breaker.
    private async Task DashboardTrace_ShowsTheRejectedPaymentCall(IPage page, string traceId)
    {
        await page.GotoAsync(new Uri(system.DashboardUrl, $"/traces/detail/{traceId}").ToString());
        var paymentSpan = page.GetByText("circuit_breaker payment-service").First;
        await Expect(paymentSpan).ToBeVisibleAsync();
        await Expect(page.GetByText("circuit_breaker user-service").First).ToBeVisibleAsync();

        await paymentSpan.ClickAsync();
        await Expect(page.GetByText("circuit_breaker.decision").First).ToBeVisibleAsync();
        await Expect(page.GetByText("rejected", new() { Exact = true }).First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.PathFor("dashboard-trace-rejected-payment.png") });
    }

    // (c) The resource list shows the gateway degraded while a breaker is open.
    private async Task Gateway_ShowsDegraded(IPage page)
    {
        await page.GotoAsync(system.DashboardUrl.ToString());
        await Expect(GatewayRow(page)).ToContainTextAsync("Degraded");
        await page.ScreenshotAsync(new() { Path = Artifacts.PathFor("dashboard-resources-gateway-degraded.png") });
    }

    // (d) Gateway → ... → Commands → "Reset payment-service" closes the breaker.
    private async Task GatewayResetButton_ClosesTheBreaker(IPage page)
    {
        var commands = page.GetByRole(AriaRole.Menuitem, new() { Name = "Commands" });
        await ClickUntilAsync(GatewayRow(page).Locator("fluent-button, button").Last, commands);
        await commands.ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Reset payment-service", Exact = true }).ClickAsync();

        await Eventually.UntilAsync(
            () => system.BreakerAsync("payment-service"),
            breaker => breaker.State == "Closed",
            "the reset button to close payment-service's breaker");
        await Expect(GatewayRow(page)).Not.ToContainTextAsync("Degraded");
    }

    private static ILocator GatewayRow(IPage page) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText("gateway", new() { Exact = true }) });

    // The dimension filter: a popup of fluent-checkboxes, one per breaker name, and "(All)".
    private static async Task ShowOnlyBreakerAsync(IPage page, string breaker)
    {
        await ToggleFilterPopupAsync(page, open: true);
        await SetCheckedAsync(page, breaker, true);
        foreach (var other in await page.Locator(".dimension-popup label").AllInnerTextsAsync())
        {
            if (other != breaker && other != "(All)")
            {
                await SetCheckedAsync(page, other, false);
            }
        }

        await ToggleFilterPopupAsync(page, open: false);
    }

    private static Task ToggleFilterPopupAsync(IPage page, bool open) => ClickUntilAsync(
        page.Locator(".dimension-overflow").Locator("xpath=../..").Locator("fluent-button, button").Last,
        page.Locator(".dimension-popup"),
        visible: open);

    // Blazor may not have wired a button yet right after a navigation: click again until the target follows.
    private static async Task ClickUntilAsync(ILocator button, ILocator target, bool visible = true)
    {
        for (var attempt = 1; await target.IsVisibleAsync() != visible; attempt++)
        {
            Assert.True(attempt <= 10, $"{target} did not become {(visible ? "visible" : "hidden")} after 10 clicks on {button}.");
            await button.ClickAsync();
            try
            {
                await Expect(target).ToBeVisibleAsync(new() { Visible = visible, Timeout = 3000 });
            }
            catch (PlaywrightException)
            {
                // Not yet: the loop clicks again.
            }
        }
    }

    private static async Task SetCheckedAsync(IPage page, string label, bool isChecked)
    {
        var checkbox = page.Locator("fluent-field.aspire-checkbox")
            .Filter(new() { Has = page.Locator("label").GetByText(label, new() { Exact = true }) })
            .Locator("fluent-checkbox");
        for (var attempt = 0; attempt < 3 && (await checkbox.GetAttributeAsync("checked") == "true") != isChecked; attempt++)
        {
            await checkbox.ClickAsync();
            await page.WaitForFunctionAsync(
                "([el, want]) => (el.getAttribute('checked') === 'true') === want",
                new object[] { await checkbox.ElementHandleAsync(), isChecked });
        }
    }

    /// <summary>Fails payment-service until its breaker opens; returns the trace id of a degraded dashboard request.</summary>
    private async Task<string> TripPaymentBreakerAsync()
    {
        await system.ResetAsync();
        await system.SetFailureModeAsync("payment-service", new { mode = "error", statusCode = 500 });
        await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("5"), await system.BreakerAsync("payment-service")).Item2,
            breaker => breaker.State == "Open",
            "payment-service's breaker to open");

        // A traceparent of our own, so the test knows which trace to open.
        var traceId = ActivityTraceId.CreateRandom().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/user-dashboard/5");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await system.Gateway.SendAsync(request);
        var body = (await response.Content.ReadFromJsonAsync<DashboardResponse>())!;
        Assert.Equal("fallback:circuit-open", body.Sources.Payments);
        return traceId;
    }
}
