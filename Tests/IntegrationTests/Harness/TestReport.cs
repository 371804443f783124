using System.Collections.Concurrent;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Figures the tests measure, written as Markdown tables to <c>Tests/artifacts/</c> by the code that measured them;
/// <c>scripts/update-readme.sh</c> copies them into RESULTS.md between markers, and <c>.ci/run</c> prints them.
/// </summary>
internal static class TestReport
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> Rows = new();

    /// <summary>Sets one row of a table (rows are sorted by key) and rewrites its file.</summary>
    public static void Row(string table, string header, string key, string row)
    {
        var rows = Rows.GetOrAdd(table, _ => new());
        rows[key] = row;
        lock (rows)
        {
            File.WriteAllLines(PathFor($"{table}.md"), [header, .. rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value)]);
        }
    }

    /// <summary>Writes a whole piece of text.</summary>
    public static void Text(string name, string text) => File.WriteAllText(PathFor($"{name}.md"), text);

    /// <summary>A file in <c>Tests/artifacts/</c> (ignored by git), such as a screenshot.</summary>
    public static string PathFor(string fileName)
    {
        var artifacts = Path.Combine(Repository.Root, "Tests", "artifacts");
        Directory.CreateDirectory(artifacts);
        return Path.Combine(artifacts, fileName);
    }
}
