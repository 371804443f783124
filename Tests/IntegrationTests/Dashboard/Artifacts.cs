namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>Where tests save what a person should look at: <c>Tests/artifacts/</c> (ignored by git).</summary>
internal static class Artifacts
{
    public static string PathFor(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDemo.sln")))
        {
            directory = directory.Parent;
        }

        var artifacts = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "Tests", "artifacts");
        Directory.CreateDirectory(artifacts);
        return Path.Combine(artifacts, fileName);
    }
}
