using CircuitDemo.Contracts;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CircuitDemo.PaymentService.Ledger;

/// <summary>
/// The ledger's store, chosen from configuration at start: PostgreSQL when <c>ConnectionStrings:ledger</c> names one,
/// else the SQLite file at <c>Ledger:Path</c> (relative to the content root; <c>ledger.db</c> by default), which every
/// instance of one system opens. A setting that cannot work stops the process here, with a message that names it.
/// </summary>
public static class LedgerStores
{
    /// <summary>How long a SQLite write waits for another instance's lock before the request is answered 503.</summary>
    public const string BusyTimeout = "Ledger:BusyTimeout";

    private const int SqliteBusy = 5; // SQLITE_BUSY: another connection holds the lock
    private const int SqliteLocked = 6; // SQLITE_LOCKED: a table is locked

    /// <summary>The store configuration asks for. A malformed connection string or busy timeout throws, naming the setting.</summary>
    public static LedgerStore FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var connectionString = configuration[Settings.LedgerConnectionString];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return PostgreSql(connectionString);
        }

        var path = Path.GetFullPath(configuration[Settings.LedgerPath] is { Length: > 0 } configured ? configured : "ledger.db", contentRoot);
        var busy = configuration[BusyTimeout];
        var timeout = busy is null ? TimeSpan.FromSeconds(2)
            : TimeSpan.TryParse(busy, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                && parsed >= TimeSpan.FromSeconds(1) && parsed <= TimeSpan.FromMinutes(1) ? parsed
            : throw new InvalidOperationException($"{BusyTimeout} must be a time span from 00:00:01 to 00:01:00 (was '{busy}').");
        return Sqlite(path, timeout);
    }

    /// <summary>
    /// The SQLite file at <paramref name="path"/> (created with its folder when missing), in WAL mode so that readers never
    /// wait for a writer, each command waiting up to <paramref name="busyTimeout"/> for another process's write lock.
    /// </summary>
    public static LedgerStore Sqlite(string path, TimeSpan busyTimeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        return new LedgerStore(
            SqliteFactory.Instance.CreateDataSource(connectionString),
            "SQLite",
            path,
            prepare: static async (connection, cancellationToken) =>
            {
                // Kept in the file: set once, every connection of every instance uses it.
                await using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode=WAL";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            },
            onOpen: FormattableString.Invariant($"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL"),
            oneWriterAtATime: busyTimeout);
    }

    /// <summary>The PostgreSQL database <paramref name="connectionString"/> names.</summary>
    public static LedgerStore PostgreSql(string connectionString)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException malformed)
        {
            // The message names the part that is wrong, never the value (it may hold the password).
            throw new InvalidOperationException(
                $"{Settings.LedgerConnectionString} is not a PostgreSQL connection string: {malformed.Message}", malformed);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new InvalidOperationException($"{Settings.LedgerConnectionString} names no Host.");
        }

        return new LedgerStore(NpgsqlDataSource.Create(parsed), "PostgreSQL", $"{parsed.Host}:{parsed.Port}/{parsed.Database ?? parsed.Username}");
    }

    /// <summary>
    /// Opens the ledger before the first request: a SQLite file that is not a database, or cannot be opened, stops the
    /// process naming <c>Ledger:Path</c> and the file. PostgreSQL not answering yet (on a cluster it may start after this
    /// pod), or a SQLite file another process has locked, is no reason to stop: requests are answered 503 until it is.
    /// </summary>
    public static async Task OpenLedgerAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<LedgerStore>();
        try
        {
            await store.EnsureSchemaAsync(app.Lifetime.ApplicationStopping);
        }
        catch (SqliteException locked) when (locked.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            // Another process holds the file (an instance starting beside this one, creating the same schema): the file
            // can be used, only not yet. The schema is created at the first use that can, as for a PostgreSQL not up yet.
            app.Logger.LogWarning(
                "The ledger at {Location} is locked by another process ({Reason}); payments are answered 503 until it is not.",
                store.Location,
                locked.Message);
        }
        catch (SqliteException failed)
        {
            throw new InvalidOperationException($"{Settings.LedgerPath}: {store.Location} cannot be used as the ledger ({failed.Message}). Point "
                + $"{Settings.LedgerPath} at a ledger file, or at a path where none exists yet.", failed);
        }
        catch (NpgsqlException unreachable)
        {
            app.Logger.LogWarning(
                "The ledger at {Location} does not answer yet ({Reason}); payments are answered 503 until it does.",
                store.Location,
                unreachable.Message);
        }
    }
}
