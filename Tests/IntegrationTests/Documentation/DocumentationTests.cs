using System.Text.RegularExpressions;

namespace CircuitDemo.IntegrationTests.Documentation;

/// <summary>
/// The README and <c>docs/</c> as a newcomer reads them: short enough to read, every link landing on a file of this
/// repository (and on a heading of it, when the link names one), the reading order's files all there.
/// </summary>
public sealed partial class DocumentationTests
{
    private const int ReadmeMaxLines = 250;

    public static TheoryData<string> Documents =>
        [.. new[] { "README.md", "RESULTS.md", "Benchmarks/README.md", "Resilience/README.md" }.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/')).Order())];

    [Fact]
    public void Readme_IsAtMost250Lines()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md")).Length;

        Assert.True(lines <= ReadmeMaxLines, $"README.md has {lines} lines; at most {ReadmeMaxLines}.");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryLink_ResolvesInsideTheRepository_ToAFileAndHeadingThatExist(string document)
    {
        var broken = new List<string>();
        foreach (var target in LinksIn(document).Where(t => !IsExternal(t)))
        {
            var (path, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
            var file = path.Length == 0
                ? Path.Combine(Repository.Root, document)
                : Path.GetFullPath(Path.Combine(Repository.Root, Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
            if (!file.StartsWith(Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                broken.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && file.EndsWith(".md", StringComparison.Ordinal) && !HeadingSlugs(file).Contains(anchor))
            {
                broken.Add($"{target}: no heading #{anchor} in {Path.GetRelativePath(Repository.Root, file)}");
            }
        }

        Assert.True(broken.Count == 0, $"{document}: {string.Join("; ", broken)}");
    }

    [Fact]
    public void TheReadingOrder_NamesAboutSixFiles_EachOfThemThere()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = Regex.Match(readme, @"## Read the code in this order\n(?<body>.*?)\n## ", RegexOptions.Singleline).Groups["body"].Value;
        var items = Regex.Matches(section, @"^\d+\. ", RegexOptions.Multiline).Count;
        var files = LinkPattern().Matches(section).Select(m => m.Groups["target"].Value).Where(t => !t.EndsWith(".md", StringComparison.Ordinal)).ToList();

        Assert.InRange(items, 5, 8);
        Assert.All(files, file => Assert.True(File.Exists(Path.Combine(Repository.Root, file)), $"The reading order names {file}, which does not exist."));
        Assert.True(files.Count >= items, $"{items} steps name only {files.Count} files.");
        Assert.True(files.Count(f => f.StartsWith("Resilience/", StringComparison.Ordinal)) >= items - 1, "The reading order walks the library, Resilience/.");
    }

    /// <summary>
    /// A code comment that sends the reader to the documentation names the document and the heading, quoted
    /// (<c>docs/contract.md, "4. The breaker"</c>); the heading must be there, so a comment never points at a section that
    /// moved or was renamed. Any other mention of README or a docs page by a section's name is refused.
    /// </summary>
    [Fact]
    public void EveryDocumentMentionedInACodeComment_NamesAHeadingThatExists()
    {
        var folders = new[] { "Resilience", "ServiceDefaults", "FailureModes", "Contracts", "Gateway", "AppHost", "UserService", "OrderService", "PaymentService", "Traffic", "Tests", "Benchmarks" };
        var files = folders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var mentions = 0;
        var broken = new List<string>();
        foreach (var file in files)
        {
            var comments = string.Join(' ', File.ReadLines(file).Select(l => l.Trim()).Where(l => l.StartsWith("//", StringComparison.Ordinal)).Select(l => l.TrimStart('/').Trim()));
            foreach (Match mention in DocumentMention().Matches(comments))
            {
                mentions++;
                var document = mention.Groups["doc"].Value is var doc && doc.StartsWith("README", StringComparison.Ordinal) ? "README.md" : doc;
                var heading = mention.Groups["heading"].Value;
                var path = Path.Combine(Repository.Root, document);
                if (!File.Exists(path) || !File.ReadLines(path).Any(l => l.StartsWith('#') && l.TrimStart('#').Trim().Equals(heading, StringComparison.Ordinal)))
                {
                    broken.Add($"{Path.GetRelativePath(Repository.Root, file)}: {document}, \"{heading}\"");
                }
            }

            broken.AddRange(LooseMention().Matches(comments).Select(m => $"{Path.GetRelativePath(Repository.Root, file)}: {m.Value} (name the heading, quoted)"));
        }

        Assert.True(mentions >= 5, $"only {mentions} mentions found: the pattern no longer matches the comments");
        Assert.Empty(broken);
    }

    private static IEnumerable<string> LinksIn(string document)
    {
        // Code blocks hold commands and diagrams, not links.
        var text = FencedBlock().Replace(File.ReadAllText(Path.Combine(Repository.Root, document)), "");
        return LinkPattern().Matches(text).Select(m => m.Groups["target"].Value);
    }

    private static bool IsExternal(string target) =>
        target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal);

    // GitHub's anchors: the heading in lower case, without punctuation but hyphens, spaces as hyphens.
    private static HashSet<string> HeadingSlugs(string file) =>
        [.. File.ReadLines(file).Where(l => l.StartsWith('#')).Select(l => Slug(l.TrimStart('#').Trim()))];

    private static string Slug(string heading) =>
        NotInSlug().Replace(heading.ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"(?<doc>README(?:\.md)?|RESULTS\.md|docs/[a-z-]+\.md), ""(?<heading>[^""]+)""")]
    private static partial Regex DocumentMention();

    [GeneratedRegex(@"(README|docs/[a-z-]+\.md)(:|, (?!"")[A-Z])[^.;)]*")]
    private static partial Regex LooseMention();

    [GeneratedRegex(@"[^\p{L}\p{N}\- _]")]
    private static partial Regex NotInSlug();
}
