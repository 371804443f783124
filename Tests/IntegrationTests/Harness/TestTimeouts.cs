namespace CircuitDemo.IntegrationTests;

/// <summary>The bounds on every wait in the integration tests.</summary>
internal static class TestTimeouts
{
    /// <summary>Starting the whole system (or one process of it), building excluded.</summary>
    public static readonly TimeSpan Startup = TimeSpan.FromMinutes(3);

    /// <summary>Stopping the whole system.</summary>
    public static readonly TimeSpan Shutdown = TimeSpan.FromSeconds(60);

    /// <summary>One request or one state change to show.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(20);
}
