extern alias paymentservice;
using Microsoft.Data.Sqlite;
using paymentservice::CircuitDemo.PaymentService.Ledger;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>The ledger's contract (<see cref="LedgerContract"/>) on SQLite, the default store; and a file that is locked.</summary>
public sealed class SqliteLedgerTests : IAsyncLifetime
{
    private readonly string _path = TestLedgers.NewSqlitePath();
    private LedgerStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = Open();
        await _store.EnsureSchemaAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestLedgers.Delete(_path);
    }

    [Fact]
    public Task NewKey_IsCreated_ThenTheSameBody_IsReplayedWithTheFirstPayment() => LedgerContract.NewKey_IsCreated_ThenTheSameBody_IsReplayedWithTheFirstPayment(_store);

    [Fact]
    public Task SameKey_AnotherAmountOrCurrency_IsAConflict_AndStoresNothing() => LedgerContract.SameKey_AnotherAmountOrCurrency_IsAConflict_AndStoresNothing(_store);

    [Fact]
    public Task SameRequestAgain_AfterALostAnswer_IsItsOwnPayment_NotAReplay() => LedgerContract.SameRequestAgain_AfterALostAnswer_IsItsOwnPayment_NotAReplay(_store);

    [Fact]
    public Task SameKey_From40CallersOnTwoStores_IsOnePayment() => LedgerContract.SameKey_From40CallersOnTwoStores_IsOnePayment(Open);

    [Fact]
    public Task List_IsNewestFirst_AtMostTheLimit_ThenTheHistory() => LedgerContract.List_IsNewestFirst_AtMostTheLimit_ThenTheHistory(_store);

    [Fact]
    public Task Amount_IsKeptExactly() => LedgerContract.Amount_IsKeptExactly(_store);

    [Fact]
    public Task EveryPayment_IsThereForTheNextProcess() => LedgerContract.EveryPayment_IsThereForTheNextProcess(Open);

    [Fact]
    public async Task FileLockedPastTheBusyTimeout_IsUnavailable_WritesNothing_AndIsBackOnceReleased()
    {
        var ledger = new PaymentLedger(_store, TimeProvider.System);
        await using (var holder = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();

            await Assert.ThrowsAsync<LedgerUnavailableException>(() => ledger.TakeAsync("locked", "key-1", null, 1m, "EUR", CancellationToken.None));
        }

        Assert.DoesNotContain((await ledger.ForAsync("locked", 500, CancellationToken.None)).Payments, p => !p.Id.StartsWith("pay-locked-", StringComparison.Ordinal));
        Assert.Equal(PaymentTaken.Created, (await ledger.TakeAsync("locked", "key-1", null, 1m, "EUR", CancellationToken.None)).How);
    }

    private LedgerStore Open() => LedgerStores.Sqlite(_path, TimeSpan.FromSeconds(1));
}
