using System.Diagnostics;
using k8s;
using k8s.Models;

namespace CircuitDemo.IntegrationTests.Deployment;

/// <summary>
/// <c>kubectl kustomize</c>, which renders a kustomization offline, and the objects it renders, read with the Kubernetes
/// client's own model.
/// </summary>
internal static class Kustomize
{
    public static bool IsInstalled => FindOnPath("kubectl") is not null;

    /// <summary>Renders <paramref name="directory"/> (relative to the repository) and reads every object.</summary>
    public static async Task<IReadOnlyList<object>> RenderAsync(string directory)
    {
        var start = new ProcessStartInfo(FindOnPath("kubectl") ?? "kubectl", ["kustomize", Path.Combine(Repository.Root, directory)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var yaml = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} exited {process.ExitCode}: {await errors}");
        }

        return KubernetesYaml.LoadAllFromString(await yaml);
    }

    /// <summary>The pod template of the Deployment or StatefulSet named <paramref name="name"/>, with its replica count.</summary>
    public static (string Kind, int Replicas, V1PodSpec Pod)? WorkloadOf(this IReadOnlyList<object> objects, string name) =>
        objects.Select(o => o switch
        {
            V1Deployment d when d.Metadata.Name == name => ("Deployment", d.Spec.Replicas ?? 1, d.Spec.Template.Spec),
            V1StatefulSet s when s.Metadata.Name == name => ("StatefulSet", s.Spec.Replicas ?? 1, s.Spec.Template.Spec),
            _ => ((string, int, V1PodSpec)?)null,
        }).FirstOrDefault(w => w is not null);

    /// <summary>Every variable a container gets: its own <c>env</c>, and the keys of the ConfigMaps it takes whole.</summary>
    public static IReadOnlyDictionary<string, string?> EnvironmentOf(this IReadOnlyList<object> objects, V1Container container)
    {
        var variables = new Dictionary<string, string?>();
        foreach (var source in container.EnvFrom ?? [])
        {
            var map = objects.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == source.ConfigMapRef.Name);
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                variables[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            variables[variable.Name] = variable.Value;
        }

        return variables;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// A test that needs <c>kubectl</c>: outside CI it is skipped, with the reason, when kubectl is missing; in CI
/// (<c>CI=true</c>) it always runs, so a missing kubectl fails it instead of hiding it (as the browser test does).
/// </summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (!Kustomize.IsInstalled && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "kubectl is not on the PATH; this test renders deploy/kubernetes with `kubectl kustomize` and runs in CI.";
        }
    }
}
