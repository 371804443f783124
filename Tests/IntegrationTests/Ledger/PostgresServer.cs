using System.Diagnostics;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>
/// A real PostgreSQL server for the tests: Debian's <c>postgresql</c> binaries, <c>initdb</c> into a temp folder and
/// <c>pg_ctl</c> on a free loopback port, as the <c>postgres</c> user when the tests run as root (PostgreSQL refuses
/// root). Removed with its folder afterwards. <see cref="StopAsync"/> and <see cref="StartAsync"/> take the store away
/// and bring it back under a running test.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"circuitdemo-pg-{Guid.NewGuid():N}");
    private readonly int _port = FreePorts.Next();

    /// <summary>Where Debian puts the newest installed server's programs; null when none is installed.</summary>
    public static string? BinDirectory { get; } = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
            .FirstOrDefault()
        : null;

    public static bool IsInstalled => BinDirectory is not null;

    /// <summary>A connection string to the server's <c>postgres</c> database, as payment-service reads it.</summary>
    public string ConnectionString => IsInstalled
        ? $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5"
        : throw new InvalidOperationException("PostgreSQL's server is not installed (apt-get install postgresql): the ledger's PostgreSQL tests need it.");

    public async Task InitializeAsync()
    {
        if (!IsInstalled)
        {
            return; // the tests are skipped outside CI (PostgresFact); in CI, ConnectionString says why they fail
        }

        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:postgres", _folder], asPostgres: false);
        }

        await RunAsync(Path.Combine(BinDirectory!, "initdb"), ["-D", DataFolder, "-A", "trust", "-U", "postgres", "--no-sync"], asPostgres: true);
        await StartAsync();
    }

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public Task StartAsync() => RunAsync(
        Path.Combine(BinDirectory!, "pg_ctl"),
        ["-D", DataFolder, "-o", $"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "-l", Path.Combine(_folder, "log"), "-w", "start"],
        asPostgres: true);

    /// <summary>Stops the server at once (connections cut, as a crash or a failover would).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(BinDirectory!, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asPostgres: true);

    public async Task DisposeAsync()
    {
        if (!Directory.Exists(_folder))
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await StopAsync();
            }
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string DataFolder => Path.Combine(_folder, "data");

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = asPostgres && Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output} {await error}");
        }
    }
}

/// <summary>
/// A test that needs PostgreSQL's server: outside CI it is skipped, with the reason, when the server is not installed;
/// in CI (<c>CI=true</c>) it always runs, so a missing server fails it instead of hiding it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.IsInstalled && !Dashboard.Chromium.InCi)
        {
            Skip = "PostgreSQL's server is not installed (apt-get install postgresql); the ledger's PostgreSQL tests run in CI.";
        }
    }
}
