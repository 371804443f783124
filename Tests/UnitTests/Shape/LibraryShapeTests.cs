using System.Reflection;
using System.Text.RegularExpressions;

namespace CircuitDemo.UnitTests.Shape;

/// <summary>
/// The structure a reader relies on, as rules rather than today's sizes: the breaker's core knows nothing of instances
/// or of its sibling namespaces, ServiceDefaults is Aspire glue only, the call path stays short, and no product file or
/// line grows past what a reader can hold.
/// </summary>
public sealed partial class LibraryShapeTests
{
    private const string Library = "CircuitDemo.Resilience";
    private const int MaxFileLines = 250;
    private const int MaxLineLength = 150;

    private static readonly string[] ProductFolders =
        ["Resilience", "ServiceDefaults", "FailureModes", "Contracts", "Gateway", "UserService", "OrderService", "PaymentService", "AppHost", "Traffic"];

    [Fact]
    public void Core_ReferencesNoSiblingNamespace_InItsSourceOrItsTypes()
    {
        var sources = Repository.SourceFiles("Resilience/Core");
        Assert.NotEmpty(sources);
        Assert.All(sources, path => Assert.DoesNotMatch(SiblingNamespace(), File.ReadAllText(path)));

        var core = typeof(CircuitBreaker).Assembly.GetTypes().Where(t => t.Namespace == $"{Library}.Core");
        var used = core.SelectMany(TypesUsedBy).Where(t => t.Namespace?.StartsWith(Library, StringComparison.Ordinal) == true);
        Assert.All(used, type => Assert.Equal($"{Library}.Core", type.Namespace));
    }

    [Fact]
    public void Core_NamesNoInstanceAndNoEndpoint()
    {
        var named = Repository.SourceFiles("Resilience/Core")
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, i)))
            .Where(l => l.line.Contains("instance", StringComparison.OrdinalIgnoreCase) || l.line.Contains("endpoint", StringComparison.OrdinalIgnoreCase))
            .Select(l => $"{Repository.Relative(l.path)}:{l.i + 1}");

        Assert.Empty(named);
    }

    [Fact]
    public void ServiceDefaults_IsAspireGlueOfAtMost400Lines()
    {
        var lines = Repository.SourceFiles("ServiceDefaults").Sum(path => File.ReadLines(path).Count());

        Assert.InRange(lines, 1, 400);
    }

    [Fact]
    public void Pipeline_IsTheCallPathAlone_AtMost8FilesAnd550Lines()
    {
        var files = Repository.SourceFiles("Resilience/Pipeline");

        Assert.InRange(files.Count, 1, 8);
        Assert.InRange(files.Sum(path => File.ReadLines(path).Count()), 1, 550);
    }

    [Fact]
    public void NoProductFile_IsOver250Lines_OrHasALineOver150Characters()
    {
        var files = ProductFolders.SelectMany(Repository.SourceFiles).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} product files found");

        Assert.Empty(files.Where(path => File.ReadLines(path).Count() > MaxFileLines).Select(Repository.Relative));
        Assert.Empty(files
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, i)))
            .Where(l => l.line.Length > MaxLineLength)
            .Select(l => $"{Repository.Relative(l.path)}:{l.i + 1} ({l.line.Length})"));
    }

    [Fact]
    public void NoTestFile_IsOver250Lines()
    {
        var files = Repository.SourceFiles("Tests");

        Assert.Empty(files.Where(path => File.ReadLines(path).Count() > MaxFileLines).Select(Repository.Relative));
    }

    [Fact]
    public void Docs_AreAtMost850Lines()
    {
        var lines = Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md").Sum(path => File.ReadLines(path).Count());

        Assert.InRange(lines, 1, 850);
    }

    [GeneratedRegex(@"CircuitDemo\.Resilience\.(?!Core\b)\w+")]
    private static partial Regex SiblingNamespace();

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        return type.GetFields(all).Select(f => f.FieldType)
            .Concat(type.GetProperties(all).Select(p => p.PropertyType))
            .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
            .Concat(type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
            .SelectMany(t => t.IsGenericType ? t.GetGenericArguments().Append(t) : [t])
            .Select(t => t.IsByRef || t.IsArray ? t.GetElementType()! : t);
    }
}
