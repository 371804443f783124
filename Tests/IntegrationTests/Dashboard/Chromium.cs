using Microsoft.Playwright;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>Debian's chromium, driven by Playwright for .NET; no browser download (none works on a closed network).</summary>
internal static class Chromium
{
    /// <summary>
    /// <c>CHROMIUM_PATH</c> when set, else <c>chromium</c> on the PATH: the same rule <c>.ci/run</c> follows when it
    /// checks for the browser and installs it.
    /// </summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path
            ? path
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, "chromium"))
                .FirstOrDefault(File.Exists) ?? "chromium (not found on the PATH)";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens the dashboard's Resources page and waits until <paramref name="row"/> reads <paramref name="text"/>. The
    /// page fills its table from the dashboard's subscription to the AppHost's resource service; on a loaded machine that
    /// subscription can bring nothing for the page's whole wait ("No resources found") with the system running, and
    /// loading the page again subscribes again. The tests are about the rows, not that subscription: the page is loaded
    /// at most twice.
    /// </summary>
    public static async Task OpenResourcesPageAsync(IPage page, Uri dashboard, Func<IPage, ILocator> row, string text)
    {
        await page.GotoAsync(dashboard.ToString());
        try
        {
            await Assertions.Expect(row(page)).ToContainTextAsync(text, new() { Timeout = (float)TimeSpan.FromSeconds(15).TotalMilliseconds });
        }
        catch (PlaywrightException)
        {
            await page.ReloadAsync();
            await Assertions.Expect(row(page)).ToContainTextAsync(text);
        }
    }

    /// <summary>Flags a closed network needs: without them Chromium keeps trying to reach Google's hosts.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. Install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.");
        }

        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }
}

/// <summary>
/// A test that needs Chromium: outside CI it is skipped, with the reason, when Chromium is missing; in CI
/// (<c>CI=true</c>) it always runs, so a missing browser fails it with a clear message instead of hiding it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.InCi)
        {
            Skip = $"Chromium is not installed at {Chromium.ExecutablePath} (apt-get install chromium); this browser test runs in CI.";
        }
    }
}
