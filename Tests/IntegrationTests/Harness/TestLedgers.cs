namespace CircuitDemo.IntegrationTests;

/// <summary>SQLite ledger files for the tests: each in the temp folder, each new, each removed with its WAL files.</summary>
internal static class TestLedgers
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "circuitdemo-tests");

    public static string NewSqlitePath() => Path.Combine(Folder, $"ledger-{Guid.NewGuid():N}.db");

    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open by a process that is being stopped: the temp folder is cleaned by the OS in the end.
            }
        }
    }
}
