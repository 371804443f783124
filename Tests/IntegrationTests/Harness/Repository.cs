namespace CircuitDemo.IntegrationTests;

/// <summary>The clone the tests run from: the directory that holds <c>CircuitDemo.sln</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDemo.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No CircuitDemo.sln above {AppContext.BaseDirectory}.");
    }
}
