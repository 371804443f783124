namespace CircuitDemo.AppHost.Ledger;

/// <summary>
/// Where the SQLite ledger lives: the configured path, or <c>.data/ledger.db</c> beside the AppHost, kept from run to run.
/// Two AppHosts started side by side do not share the default file: the first holds a lock on it for as long as it
/// runs, and another takes a file of its own (<c>ledger-{process id}.db</c>), so two systems never mix their payments
/// unless <c>Ledger:Path</c> names the same file for both.
/// </summary>
internal static class LedgerFile
{
    // Held until the process ends: the claim on the default file.
    private static FileStream? s_claim;
    private static int s_others;

    public static string Choose(string? configured, string appHostDirectory)
    {
        if (configured is { Length: > 0 })
        {
            return Path.GetFullPath(configured, appHostDirectory);
        }

        var folder = Path.Combine(appHostDirectory, ".data");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "ledger.db");
        if (s_claim is null)
        {
            try
            {
                s_claim = new FileStream(path + ".apphost", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return path;
            }
            catch (IOException)
            {
                // Another AppHost runs on the default file.
            }
        }

        return Path.Combine(folder, $"ledger-{Environment.ProcessId}-{Interlocked.Increment(ref s_others)}.db");
    }
}
