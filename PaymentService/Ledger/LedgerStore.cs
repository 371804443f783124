using System.Data.Common;
using System.Net.Sockets;

namespace CircuitDemo.PaymentService.Ledger;

/// <summary>
/// The ledger's table through ADO.NET: one <see cref="DbDataSource"/> (SQLite's or Npgsql's, see
/// <see cref="LedgerStores"/>) and the same SQL on both (<see cref="LedgerSql"/>). Every failure of the store becomes a
/// <see cref="LedgerUnavailableException"/>; each write is one statement, so a failed one leaves nothing behind.
/// </summary>
public sealed class LedgerStore : IAsyncDisposable
{
    private readonly DbDataSource _source;
    private readonly Func<DbConnection, CancellationToken, Task> _prepare;
    private readonly string? _onOpen;
    private readonly SemaphoreSlim? _oneWriter;
    private readonly TimeSpan _writerWait;
    private readonly SemaphoreSlim _schemaLock = new(1);
    private volatile bool _schemaReady;

    internal LedgerStore(
        DbDataSource source,
        string store,
        string location,
        Func<DbConnection, CancellationToken, Task>? prepare = null,
        string? onOpen = null,
        TimeSpan? oneWriterAtATime = null)
    {
        _source = source;
        _prepare = prepare ?? ((_, _) => Task.CompletedTask);
        _onOpen = onOpen;
        _oneWriter = oneWriterAtATime is null ? null : new SemaphoreSlim(1);
        _writerWait = oneWriterAtATime ?? Timeout.InfiniteTimeSpan;
        Store = store;
        Location = location;
    }

    /// <summary>Which store: <c>SQLite</c> or <c>PostgreSQL</c>.</summary>
    public string Store { get; }

    /// <summary>Where it is, with no secret: the SQLite file's full path, or PostgreSQL's host, port and database.</summary>
    public string Location { get; }

    /// <summary>
    /// Creates the table unless it exists, once per process; tried again on the next use until it succeeds, so a store
    /// that is down when the process starts is used as soon as it is back.
    /// </summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await using var connection = await _source.OpenConnectionAsync(cancellationToken);
                await _prepare(connection, cancellationToken);
                await using var command = Command(connection, LedgerSql.CreateSchema);
                await command.ExecuteNonQueryAsync(cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    /// <summary>
    /// Stores <paramref name="candidate"/> for <paramref name="userId"/> and <paramref name="idempotencyKey"/> unless the
    /// key has a payment already, and returns the payment stored for the key: the candidate, or the first one.
    /// </summary>
    internal Task<StoredPayment> InsertOrReadAsync(
        string userId, string idempotencyKey, StoredPayment candidate, long createdAt, CancellationToken cancellationToken) =>
        UseAsync(write: true, async connection =>
        {
            await using (var insert = Command(connection, LedgerSql.Insert))
            {
                Add(insert, "@user_id", userId);
                Add(insert, "@idempotency_key", idempotencyKey);
                Add(insert, "@id", candidate.Payment.Id);
                Add(insert, "@amount", StoredPayment.AmountText(candidate.Payment.Amount));
                Add(insert, "@currency", candidate.Payment.Currency);
                Add(insert, "@status", candidate.Payment.Status);
                Add(insert, "@created_at", createdAt);
                Add(insert, "@request_id", candidate.RequestId);
                if (await insert.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    return candidate;
                }
            }

            await using var select = Command(connection, LedgerSql.SelectByKey);
            Add(select, "@user_id", userId);
            Add(select, "@idempotency_key", idempotencyKey);
            var stored = await ReadAsync(select, cancellationToken);
            return stored.Count == 1 ? stored[0] : throw new InvalidOperationException($"The ledger holds {stored.Count} payments for one key.");
        }, cancellationToken);

    /// <summary>The payments made for <paramref name="userId"/>, newest first, at most <paramref name="limit"/>.</summary>
    internal Task<IReadOnlyList<StoredPayment>> ListAsync(string userId, int limit, CancellationToken cancellationToken) =>
        UseAsync(write: false, async connection =>
        {
            await using var select = Command(connection, LedgerSql.SelectByUser);
            Add(select, "@user_id", userId);
            Add(select, "@limit", limit);
            return await ReadAsync(select, cancellationToken);
        }, cancellationToken);

    /// <summary>How many payments the ledger holds, every user's.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        UseAsync(write: false, async connection =>
        {
            await using var count = Command(connection, LedgerSql.Count);
            return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    // One use of the store: a connection from the pool (for a SQLite write, told to wait for another process's lock
    // inside SQLite, in short sleeps, rather than in the provider's 150 ms ones), and for a SQLite write, this process's turn:
    // the file takes one writer at a time, so this process's writers queue here, in order, and only the instances
    // contend for the file. A wait past the busy timeout, or any failure of the store, is the store unavailable.
    private async Task<T> UseAsync<T>(bool write, Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var turn = false;
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            if (write && _oneWriter is not null && !(turn = await _oneWriter.WaitAsync(_writerWait, cancellationToken)))
            {
                throw new TimeoutException($"Other payments of this instance held the ledger for {_writerWait.TotalSeconds:0.#} s.");
            }

            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            if (write && _onOpen is not null)
            {
                await using var setup = Command(connection, _onOpen);
                await setup.ExecuteNonQueryAsync(cancellationToken);
            }

            return await work(connection);
        }
        catch (Exception exception) when (IsStoreFailure(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new LedgerUnavailableException(
                $"The ledger ({Store}) cannot be used now: {exception.GetType().Name}: {exception.Message}", exception);
        }
        finally
        {
            if (turn)
            {
                _oneWriter!.Release();
            }
        }
    }

    // What a store that is down, locked, full or failing throws: the providers' own exceptions, their timeouts, the socket.
    private static bool IsStoreFailure(Exception exception) =>
        exception is DbException or TimeoutException or SocketException or IOException
        || exception.InnerException is DbException or TimeoutException or SocketException or IOException;

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<IReadOnlyList<StoredPayment>> ReadAsync(DbCommand select, CancellationToken cancellationToken)
    {
        var payments = new List<StoredPayment>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            payments.Add(new StoredPayment(
                new Contracts.Payment(
                    reader.GetString(0), StoredPayment.ParseAmount(reader.GetString(1)), reader.GetString(2).Trim(), reader.GetString(3)),
                reader.GetString(4)));
        }

        return payments;
    }
}
