extern alias paymentservice;
using paymentservice::CircuitDemo.PaymentService.Ledger;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>
/// The ledger's contract (<see cref="LedgerContract"/>) on a real PostgreSQL server (<see cref="PostgresServer"/>), the
/// same SQL as on SQLite; and the server stopped under the ledger, then started again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerTests(PostgresServer server) : IAsyncLifetime
{
    private LedgerStore? _store;

    private LedgerStore Store => _store ??= LedgerStores.PostgreSql(server.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [PostgresFact]
    public Task NewKey_IsCreated_ThenTheSameBody_IsReplayedWithTheFirstPayment() => LedgerContract.NewKey_IsCreated_ThenTheSameBody_IsReplayedWithTheFirstPayment(Store);

    [PostgresFact]
    public Task SameKey_AnotherAmountOrCurrency_IsAConflict_AndStoresNothing() => LedgerContract.SameKey_AnotherAmountOrCurrency_IsAConflict_AndStoresNothing(Store);

    [PostgresFact]
    public Task SameRequestAgain_AfterALostAnswer_IsItsOwnPayment_NotAReplay() => LedgerContract.SameRequestAgain_AfterALostAnswer_IsItsOwnPayment_NotAReplay(Store);

    [PostgresFact]
    public Task SameKey_From40CallersOnTwoStores_IsOnePayment() => LedgerContract.SameKey_From40CallersOnTwoStores_IsOnePayment(() => LedgerStores.PostgreSql(server.ConnectionString));

    [PostgresFact]
    public Task List_IsNewestFirst_AtMostTheLimit_ThenTheHistory() => LedgerContract.List_IsNewestFirst_AtMostTheLimit_ThenTheHistory(Store);

    [PostgresFact]
    public Task Amount_IsKeptExactly() => LedgerContract.Amount_IsKeptExactly(Store);

    [PostgresFact]
    public Task EveryPayment_IsThereForTheNextProcess() => LedgerContract.EveryPayment_IsThereForTheNextProcess(() => LedgerStores.PostgreSql(server.ConnectionString));

    [PostgresFact]
    public async Task ServerStopped_IsUnavailable_WritesNothing_AndIsBackOnceItRuns()
    {
        var ledger = new PaymentLedger(Store, TimeProvider.System);
        await ledger.TakeAsync("stopped", "warm", null, 1m, "EUR", CancellationToken.None);
        await server.StopAsync();
        try
        {
            await Assert.ThrowsAsync<LedgerUnavailableException>(() => ledger.TakeAsync("stopped", "key-1", null, 1m, "EUR", CancellationToken.None));
        }
        finally
        {
            await server.StartAsync();
        }

        var taken = await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return await ledger.TakeAsync("stopped", "key-1", null, 1m, "EUR", CancellationToken.None);
                }
                catch (LedgerUnavailableException)
                {
                    return default; // the pool's broken connections are dropped as they are found
                }
            },
            t => t.Payment is not null,
            "the ledger to take payments again",
            TestTimeouts.Step);
        Assert.Equal(PaymentTaken.Created, taken.How);
    }
}

/// <summary>
/// PaymentService processes on one PostgreSQL database: the same key sent to two processes at once pays once; the server
/// stopped under load answers 503 with Retry-After and writes nothing, then takes payments again once it runs.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresProcessTests(PostgresServer server)
{
    [PostgresFact]
    public async Task TwoProcessesOnOneDatabase_TheSameKeyAtOnce_MakeOnePayment()
    {
        var processes = await LedgerProcesses.StartAsync(2, LedgerProcesses.Postgres(server.ConnectionString));
        try
        {
            var answers = await LedgerProcesses.SameKeyAtOnceAsync(processes, "raced", "one-key");

            Assert.Single(answers, a => a == HttpStatusCode.Created);
            Assert.All(answers, a => Assert.True(a is HttpStatusCode.Created or HttpStatusCode.OK, $"{a}"));
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task ServerStoppedUnderLoad_Answers503WithRetryAfter_WritesNothing_ThenTakesPaymentsAgain()
    {
        await using var process = (await LedgerProcesses.StartAsync(1, LedgerProcesses.Postgres(server.ConnectionString)))[0];

        var answers = await LedgerProcesses.PayWhileAsync(process, "stopped-under-load", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // payments before the stop
            await server.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await server.StartAsync();
        });

        Assert.Contains(HttpStatusCode.ServiceUnavailable, answers.Values);
        Assert.Contains(HttpStatusCode.Created, answers.Values);
        await LedgerProcesses.AssertOnePaymentPerKeyAsync(process, "stopped-under-load", answers);
    }
}

/// <summary>The tests that share one PostgreSQL server, one at a time (one of them stops it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
