using System.Collections.Immutable;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.AppHost.Ledger;

/// <summary>
/// The one ledger every payment-service instance shares. By default a SQLite file the AppHost creates the folder of
/// (<c>AppHost/.data/ledger.db</c>; <c>Ledger:Path</c> names another) and gives every instance as <c>Ledger__Path</c>;
/// with a <c>ConnectionStrings:ledger</c> in the AppHost's configuration, that PostgreSQL database instead, as every
/// instance's <c>ConnectionStrings__ledger</c>. No container is needed for either.
/// </summary>
internal static class LedgerExtensions
{
    /// <summary>The ledger's row on the dashboard.</summary>
    public const string RowName = "payments-ledger";

    private const string ConnectionName = "ledger";

    /// <summary>The ledger, from the AppHost's configuration; its row on the dashboard is added too.</summary>
    public static LedgerChoice AddLedger(this IDistributedApplicationBuilder builder)
    {
        LedgerChoice choice;
        if (builder.Configuration.GetConnectionString(ConnectionName) is { Length: > 0 })
        {
            choice = new LedgerChoice(builder.AddConnectionString(ConnectionName), null);
        }
        else
        {
            var path = LedgerFile.Choose(builder.Configuration[Settings.LedgerPath], builder.AppHostDirectory);
            choice = new LedgerChoice(null, path);
        }

        var row = builder.AddResource(new LedgerResource(RowName, choice.Store, choice.Location))
            .WithIconName("Database")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Ledger",
                State = new ResourceStateSnapshot(LedgerWatcher.WaitingState, KnownResourceStateStyles.Info),
                Properties = ImmutableArray<ResourcePropertySnapshot>.Empty
                    .With(LedgerWatcher.StoreProperty, choice.Store)
                    .With(LedgerWatcher.LocationProperty, choice.Location),
            })
            .ExcludeFromManifest();
        builder.Services.AddSingleton(new WatchedLedger(row.Resource));
        builder.Services.AddHostedService<LedgerWatcher>();
        return choice;
    }

    /// <summary>Gives a payment-service instance the ledger, and lets the dashboard's ledger row read it.</summary>
    public static IResourceBuilder<ProjectResource> WithLedger(this IResourceBuilder<ProjectResource> instance, LedgerChoice ledger)
    {
        instance.ApplicationBuilder.Services.AddSingleton(new LedgerReader(instance.Resource));
        return ledger.ConnectionString is { } connectionString
            ? instance.WithReference(connectionString)
            : instance.WithEnvironment(Settings.EnvironmentVariable(Settings.LedgerPath), ledger.Path);
    }
}

/// <summary>The ledger the AppHost chose: a PostgreSQL connection string, or a SQLite file.</summary>
internal sealed record LedgerChoice(IResourceBuilder<IResourceWithConnectionString>? ConnectionString, string? Path)
{
    public string Store => ConnectionString is null ? "SQLite" : "PostgreSQL";

    public string Location => Path ?? "ConnectionStrings:ledger";
}

/// <summary>A payment-service instance the ledger row can be read from.</summary>
internal sealed record LedgerReader(ProjectResource Instance);

/// <summary>The ledger's row.</summary>
internal sealed record WatchedLedger(LedgerResource Row);
