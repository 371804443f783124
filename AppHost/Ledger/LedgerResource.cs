namespace CircuitDemo.AppHost.Ledger;

/// <summary>
/// payment-service's ledger as a row on the dashboard's Resources page: which store (its state), where, and how many
/// payments it holds. Nothing runs for it: the AppHost reads it from a payment-service instance (<see cref="LedgerWatcher"/>).
/// </summary>
internal sealed class LedgerResource(string name, string store, string location) : Resource(name)
{
    /// <summary>SQLite or PostgreSQL.</summary>
    public string Store => store;

    /// <summary>The SQLite file, or which PostgreSQL connection string (never its secret).</summary>
    public string Location => location;
}
