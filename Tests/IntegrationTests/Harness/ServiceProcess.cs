using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// One project as a plain process (no AppHost), the gateway unless told otherwise, as <c>scripts/load.sh</c> starts it,
/// with the environment a test gives it: for what happens at its start and its stop, which the orchestration would hide,
/// and for instances the test adds and removes itself. Stopped by its own process id.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    public const string AdminKey = "gateway-process-admin-key";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    private readonly string _ownLedger;

    private ServiceProcess(Process process, Uri url, string ownLedger)
    {
        _process = process;
        Url = url;
        _ownLedger = ownLedger;
    }

    public Uri Url { get; }

    /// <summary>Everything the process has written to its standard output and error so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the gateway with <paramref name="environment"/> on top of an admin key and quiet logs; does not wait for it.</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string> environment) => Start(new Projects.Gateway(), environment);

    /// <summary>Starts <paramref name="project"/> with <paramref name="environment"/> on top of an admin key and quiet logs; does not wait for it.</summary>
    public static ServiceProcess Start(IProjectMetadata project, IReadOnlyDictionary<string, string> environment)
    {
        var directory = Path.GetDirectoryName(project.ProjectPath)!;
        var assembly = Path.GetFileNameWithoutExtension(project.ProjectPath) + ".dll";
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // built beside the tests (Debug or Release)
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "bin", configuration, "net10.0", assembly), "--urls", url.ToString()])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[Settings.AdminKeyVariable] = AdminKey;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // A payment-service started without a ledger of the test's gets one of its own, never the project folder's.
        var ownLedger = TestLedgers.NewSqlitePath();
        start.Environment[Settings.EnvironmentVariable(Settings.LedgerPath)] = ownLedger;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var started = new ServiceProcess(process, url, ownLedger);
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Starts the gateway and waits until it answers <c>/alive</c>.</summary>
    public static Task<ServiceProcess> StartAliveAsync(IReadOnlyDictionary<string, string> environment) =>
        StartAliveAsync(new Projects.Gateway(), environment);

    /// <summary>Starts <paramref name="count"/> processes of <paramref name="project"/> at once, each answering <c>/alive</c>; when
    /// one does not, the others are stopped before its failure is thrown.</summary>
    public static async Task<ServiceProcess[]> StartAllAliveAsync(int count, IProjectMetadata project, IReadOnlyDictionary<string, string> environment)
    {
        var starting = Enumerable.Range(0, count).Select(_ => StartAliveAsync(project, environment)).ToList();
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var alive in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await alive.Result.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Starts <paramref name="project"/> and waits until it answers <c>/alive</c>; one that does not is stopped.</summary>
    public static async Task<ServiceProcess> StartAliveAsync(IProjectMetadata project, IReadOnlyDictionary<string, string> environment)
    {
        var started = Start(project, environment);
        try
        {
            await WaitAliveAsync(started, Path.GetFileNameWithoutExtension(project.ProjectPath));
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitAliveAsync(ServiceProcess started, string name)
    {
        using var client = started.Client();
        await Eventually.UntilAsync(
            async () =>
            {
                if (started.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited with {started.ExitCode}: {started.Output}");
                }

                try
                {
                    return (await client.GetAsync(Paths.Alive)).IsSuccessStatusCode;
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

    public HttpClient Client() => new() { BaseAddress = Url, Timeout = TestTimeouts.Step };

    /// <summary>Waits for the process to end by itself, and for its output to be read to the end.</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>Sends SIGTERM (what a service manager, Kubernetes or DCP sends) and returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        if (Kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: {Marshal.GetLastWin32Error()}");
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Shutdown);
        }

        _process.Dispose();
        TestLedgers.Delete(_ownLedger);
    }


    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
