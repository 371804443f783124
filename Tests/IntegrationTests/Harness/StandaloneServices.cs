using System.Collections.Concurrent;
using System.Diagnostics;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// The four projects as plain processes, without the AppHost, each on a free loopback port and with no admin key
/// configured: for behaviour that needs real processes but not the orchestration (a whole second AppHost would cost a
/// minute of the suite). Stopped by their own process ids.
/// </summary>
public class StandaloneServices : IAsyncLifetime
{
    private readonly Dictionary<string, (Process Process, Uri Url)> _running = [];
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _adminKey;
    private readonly string _logLevel;
    private readonly string _ledgerPath = TestLedgers.NewSqlitePath();

    public StandaloneServices()
        : this(adminKey: "", logLevel: "Warning")
    {
    }

    protected StandaloneServices(string adminKey, string logLevel)
    {
        _adminKey = adminKey;
        _logLevel = logLevel;
    }

    /// <summary>Every line the four processes have written so far, standard output and error.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>An HttpClient to one of the four.</summary>
    public HttpClient Client(string project) => new() { BaseAddress = _running[project].Url, Timeout = TestTimeouts.Step };

    public async Task InitializeAsync()
    {
        foreach (var (name, project) in Projects())
        {
            Start(name, project);
        }

        foreach (var name in _running.Keys)
        {
            await WaitUntilAliveAsync(name);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (process, _) in _running.Values)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Shutdown);
            process.Dispose();
        }

        TestLedgers.Delete(_ledgerPath);
    }

    private static IEnumerable<(string Name, IProjectMetadata Project)> Projects() =>
    [
        (ServiceNames.User, new Projects.UserService()),
        (ServiceNames.Order, new Projects.OrderService()),
        (ServiceNames.Payment, new Projects.PaymentService()),
        (ServiceNames.Gateway, new Projects.Gateway()),
    ];

    private void Start(string name, IProjectMetadata project)
    {
        var directory = Path.GetDirectoryName(project.ProjectPath)!;
        var assembly = Path.GetFileNameWithoutExtension(project.ProjectPath);

        // Built beside this test assembly's own configuration (Debug or Release).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "bin", configuration, "net10.0", assembly + ".dll"), "--urls", url.ToString()])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[Settings.AdminKeyVariable] = _adminKey;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = _logLevel;
        start.Environment[Settings.EnvironmentVariable(Settings.LedgerPath)] = _ledgerPath;
        if (_logLevel == "Trace")
        {
            // Every category at every level, the HttpClient's request headers included.
            start.Environment["Logging__LogLevel__Microsoft"] = "Trace";
            start.Environment["Logging__LogLevel__System"] = "Trace";
            start.Environment["Logging__LogLevel__System.Net.Http.HttpClient"] = "Trace";
            start.Environment["Logging__LogLevel__Polly"] = "Trace";
            start.Environment["Logging__Console__LogLevel__Default"] = "Trace";
        }
        foreach (var (other, (_, otherUrl)) in _running)
        {
            start.Environment[$"services__{other}__http__0"] = otherUrl.ToString();
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Keep(name, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(name, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _running[name] = (process, url);
    }

    private void Keep(string name, string? line)
    {
        if (line is not null && _logLevel != "Warning")
        {
            _output.Enqueue($"{name}: {line}");
        }
    }

    private async Task WaitUntilAliveAsync(string name)
    {
        using var client = Client(name);
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return (await client.GetAsync("/alive")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            alive => alive,
            $"{name} to answer /alive",
            TestTimeouts.Startup);
    }

}

/// <summary>The four projects as plain processes with an admin key, every process logging every category at every level.</summary>
public sealed class TracingStandaloneServices : StandaloneServices
{
    public const string AdminKey = "standalone-admin-key-0123456789";

    public TracingStandaloneServices()
        : base(AdminKey, logLevel: "Trace")
    {
    }
}
