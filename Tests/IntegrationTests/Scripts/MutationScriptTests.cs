using System.Text.RegularExpressions;

namespace CircuitDemo.IntegrationTests.Scripts;

/// <summary>
/// <c>scripts/mutate.sh</c> still fits the code: every mutation's text is found in its file, so that none is left to
/// report "not applied" the next time the whole script runs (it takes over an hour, so it does not run in CI). Here,
/// not among the unit tests: a mutant changes that text, and the unit tests run against every mutant.
/// </summary>
public sealed partial class MutationScriptTests
{
    [Fact]
    public void EveryMutation_FindsItsTextInItsFile_AndChangesIt()
    {
        var mutations = Mutations().ToList();
        var stale = mutations
            .Where(m => !File.Exists(Path.Combine(Repository.Root, m.File))
                || !File.ReadAllText(Path.Combine(Repository.Root, m.File)).Contains(m.Find, StringComparison.Ordinal)
                || m.Find == m.Replace)
            .Select(m => $"{m.Name} ({m.File})")
            .ToList();

        Assert.True(mutations.Count >= 150, $"scripts/mutate.sh lists {mutations.Count} mutations; it was read wrong, or lost some.");
        Assert.True(stale.Count == 0, $"Mutations whose text is no longer in their file: {string.Join("; ", stale)}");
    }

    // The MUTATIONS array as bash and the script read it: "name|file|find|replace[|filter]" in double quotes, the file
    // after the script's folder variables, find and replace after printf '%b' (\n a line break, \x7c a '|').
    private static IEnumerable<(string Name, string File, string Find, string Replace)> Mutations()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "scripts", "mutate.sh"));
        var folders = FolderVariable().Matches(script).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["path"].Value);
        var array = script[(script.IndexOf("MUTATIONS=(\n", StringComparison.Ordinal) + 12)..];
        foreach (var line in array[..array.IndexOf("\n)\n", StringComparison.Ordinal)].Split('\n').Select(l => l.Trim()))
        {
            if (!line.StartsWith('"'))
            {
                continue;
            }

            var fields = line[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Split('|');
            var file = FolderReference().Replace(fields[1], m => folders[m.Groups["name"].Value]);
            yield return (fields[0], file, PrintfB(fields[2]), PrintfB(fields[3]));
        }
    }

    private static string PrintfB(string text) => Escape().Replace(text, m => m.Value[1] switch
    {
        'n' => "\n",
        'x' => ((char)Convert.ToInt32(m.Value[2..], 16)).ToString(),
        _ => "\\",
    });

    [GeneratedRegex(@"^(?<name>[A-Z]{2})=(?<path>\S+)$", RegexOptions.Multiline)]
    private static partial Regex FolderVariable();

    [GeneratedRegex(@"\$(?<name>[A-Z]{2})")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"\\(n|x[0-9a-fA-F]{2}|\\)")]
    private static partial Regex Escape();
}
