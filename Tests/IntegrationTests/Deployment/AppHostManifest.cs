using System.Diagnostics;

namespace CircuitDemo.IntegrationTests.Deployment;

/// <summary>
/// The AppHost's own deployment manifest (<c>--publisher manifest</c>), written once for the tests that read it: the
/// application model as it leaves the AppHost, every project with the environment the AppHost gives it.
/// </summary>
public sealed class AppHostManifest : IAsyncLifetime
{
    private JsonDocument? _document;

    public JsonElement Resources => (_document ?? throw new InvalidOperationException("Not written yet.")).RootElement.GetProperty("resources");

    /// <summary>Every project resource, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Projects =>
        Resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString()!.StartsWith("project.", StringComparison.Ordinal))
            .ToDictionary(r => r.Name, r => r.Value);

    /// <summary>
    /// The names of the environment variables the AppHost sets on <paramref name="project"/>, but those that name an
    /// https endpoint: that is the development certificate's, and inside a cluster the pods speak plain http.
    /// </summary>
    public static IReadOnlyList<string> EnvironmentOf(JsonElement project) =>
        project.TryGetProperty("env", out var env)
            ? [.. env.EnumerateObject().Where(v => v.Value.GetString()?.Contains(".bindings.https.", StringComparison.Ordinal) is not true).Select(v => v.Name)]
            : [];

    /// <summary>Whether <paramref name="project"/> serves HTTP (has an <c>http</c> binding).</summary>
    public static bool ServesHttp(JsonElement project) =>
        project.TryGetProperty("bindings", out var bindings) && bindings.TryGetProperty("http", out _);

    public async Task InitializeAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"circuitdemo-manifest-{Guid.NewGuid():N}.json");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var start = new ProcessStartInfo("dotnet", ["run", "--project", global::Projects.AppHost.ProjectPath, "--no-build", "--configuration", configuration, "--", "--publisher", "manifest", "--output-path", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The AppHost's manifest publisher exited {process.ExitCode}: {await log} {await errors}");
        }

        _document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
    }

    public Task DisposeAsync()
    {
        _document?.Dispose();
        return Task.CompletedTask;
    }
}
