using System.Reflection;

namespace CircuitDemo.UnitTests.Shape;

/// <summary>
/// The shape a reader relies on: ServiceDefaults shows a small surface, and the state machine stays one short file that
/// knows nothing of instances.
/// </summary>
public sealed class ShapeTests
{
    private const int MaxPublicTypes = 20;
    private const int MaxStateMachineLines = 300;

    [Fact]
    public void ServiceDefaults_ExportsAtMostTwentyTypes()
    {
        var exported = typeof(CircuitBreaker).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.Name).Order().ToList();

        Assert.True(exported.Count <= MaxPublicTypes, $"ServiceDefaults exports {exported.Count} types: {string.Join(", ", exported)}.");
    }

    [Fact]
    public void TheStateMachine_IsOneFileOfAtMost300Lines_NamingNoEndpointType()
    {
        var file = Path.Combine(RepositoryRoot(), "Resilience", "Core", "CircuitBreaker.cs");
        var lines = File.ReadAllLines(file);
        var endpointTypes = typeof(CircuitBreaker).Assembly.GetTypes()
            .Where(t => t.Namespace == "CircuitDemo.Resilience.Instances" && !t.IsNested && !t.Name.StartsWith('<'))
            .Select(t => t.Name.Split('`')[0]);

        Assert.True(lines.Length <= MaxStateMachineLines, $"CircuitBreaker.cs has {lines.Length} lines; at most {MaxStateMachineLines}.");
        Assert.DoesNotContain(endpointTypes, type => lines.Any(line => line.Contains(type, StringComparison.Ordinal)));
        Assert.DoesNotContain(typeof(CircuitBreaker).GetFields(BindingFlags.Instance | BindingFlags.NonPublic), field => field.FieldType.Namespace == "CircuitDemo.Resilience.Instances");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDemo.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No CircuitDemo.sln above {AppContext.BaseDirectory}.");
    }
}
