using System.Diagnostics;
using CircuitDemo.Contracts;

namespace CircuitDemo.IntegrationTests;

/// <summary>The deployment manifest the AppHost writes lists every project, the traffic included, and no breaker rows.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task Manifest_ListsEveryProjectAndTheParameters_ButNotTheBreakerRows()
    {
        var output = Path.Combine(Path.GetTempPath(), $"circuitdemo-manifest-{Guid.NewGuid():N}.json");
        var appHost = Projects.AppHost.ProjectPath;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var start = new ProcessStartInfo("dotnet", ["run", "--project", appHost, "--no-build", "--configuration", configuration, "--", "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await log} {await errors}");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var project in ServiceNames.Stubs.Append(ServiceNames.Gateway).Append(ServiceNames.Traffic))
        {
            Assert.StartsWith("project.", resources.GetProperty(project).GetProperty("type").GetString());
        }

        Assert.True(resources.TryGetProperty("admin-key", out _));
        Assert.True(resources.TryGetProperty("traffic-rate", out _));
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Name.EndsWith("-breaker", StringComparison.Ordinal));
    }
}
