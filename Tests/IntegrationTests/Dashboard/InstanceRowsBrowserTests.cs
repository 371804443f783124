using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// The three-instance system on the real dashboard in a real browser: every instance is a row of its own, and with
/// payment-service-2 failing, the gateway ejects it, the breaker's row stays Closed, and the instance's row says it is
/// ejected. The screenshot is the README's.
/// </summary>
[Collection(ThreeInstanceSystem.Name)]
public sealed class InstanceRowsBrowserTests(ThreeInstanceApp system) : IAsyncLifetime
{
    private static readonly float UiTimeoutMs = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;
    private static readonly string BadInstance = ServiceNames.Instance(ServiceNames.Payment, 2);
    private static readonly string PaymentBreakerRow = BreakerNames.RowName(ServiceNames.Payment);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [ChromiumFact]
    public async Task OneInstanceFailing_ItsRowSaysEjected_AndTheBreakerRowStaysClosed()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(UiTimeoutMs);
        SetDefaultExpectTimeout(UiTimeoutMs);

        await Chromium.OpenResourcesPageAsync(page, system.DashboardUrl, p => Row(p, ServiceNames.Payment), "Running");
        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await Expect(Row(page, instance)).ToContainTextAsync("Running");
        }

        await Row(page, BadInstance).Locator("fluent-button[title^='Fail with errors']").ClickAsync();
        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("42");
                return system.PropertyOf(BadInstance, "Ejected by the gateway");
            },
            text => text?.StartsWith("by ", StringComparison.Ordinal) == true,
            $"{BadInstance}'s row to say it is ejected",
            TestTimeouts.Step);

        await Expect(Row(page, PaymentBreakerRow)).ToContainTextAsync("Closed");
        // The ejected instance's own details: its property names the breaker that ejected it and when it is back (every
        // other instance's says "no").
        await page.GetByText(BadInstance, new() { Exact = true }).First.ClickAsync();
        await Expect(page.GetByText(new Regex($"^by {ServiceNames.Payment} until "))).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = TestReport.PathFor("dashboard-resources-instance-ejected.png") });
        Assert.Equal(CircuitState.Closed, (await system.BreakerAsync(ServiceNames.Payment)).State);
    }

    private static ILocator Row(IPage page, string resource) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });
}
