namespace CircuitDemo.Contracts;

/// <summary>The configuration keys the AppHost sets on the projects, and their environment-variable forms.</summary>
public static class Settings
{
    /// <summary>The admin key that guards the control plane.</summary>
    public const string AdminKey = "Admin:Key";

    /// <summary>Where the AppHost puts the admin key: <see cref="AdminKey"/> as an environment variable.</summary>
    public static string AdminKeyVariable => EnvironmentVariable(AdminKey);

    /// <summary>The section every breaker option is read from (docs/running.md, "Configuring the breakers").</summary>
    public const string CircuitBreakerSection = "CircuitBreaker";

    /// <summary>The traffic resource's requests per second.</summary>
    public const string TrafficRatePerSecond = "Traffic:RatePerSecond";

    /// <summary>The AppHost's count of instances of every stub service (default 1).</summary>
    public const string StubInstances = "Stubs:Instances";

    /// <summary>One service's instance count, over <see cref="StubInstances"/>: <c>Stubs:payment-service:Instances</c>.</summary>
    public static string StubInstancesOf(string service) => $"Stubs:{service}:Instances";

    /// <summary>The most instances of a stub the AppHost runs: their demo ports, 10 apart, stay below the next service's range.</summary>
    public const int MaxStubInstances = 9;

    /// <summary>
    /// payment-service's ledger on PostgreSQL: a connection string (<c>ConnectionStrings__ledger</c>). Unset, the ledger
    /// is the SQLite file at <see cref="LedgerPath"/>.
    /// </summary>
    public const string LedgerConnectionString = "ConnectionStrings:ledger";

    /// <summary>The SQLite file of payment-service's ledger, which every instance of one system opens.</summary>
    public const string LedgerPath = "Ledger:Path";

    /// <summary>A configuration key as an environment variable (<c>Admin:Key</c> is <c>Admin__Key</c>).</summary>
    public static string EnvironmentVariable(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);
}
