extern alias paymentservice;
using paymentservice::CircuitDemo.PaymentService.Ledger;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>
/// What the ledger promises, whichever store holds it (<see cref="SqliteLedgerTests"/>, <see cref="PostgresLedgerTests"/>
/// run each of these on their own store): one payment per idempotency key, whatever races; a replay for the same body,
/// a conflict for another; a request's own payment is its own after a lost answer; the list newest first and bounded;
/// the amount exact; every payment still there for a new process.
/// </summary>
internal static class LedgerContract
{
    private static CancellationToken Bounded => new CancellationTokenSource(TestTimeouts.Step).Token;

    public static async Task NewKey_IsCreated_ThenTheSameBody_IsReplayedWithTheFirstPayment(LedgerStore store)
    {
        var ledger = new PaymentLedger(store, TimeProvider.System);
        var user = NewUser();

        var first = await ledger.TakeAsync(user, "key-1", "request-1", 12.5m, "EUR", Bounded);
        var again = await ledger.TakeAsync(user, "key-1", "request-2", 12.50m, "EUR", Bounded);

        Assert.Equal(PaymentTaken.Created, first.How);
        Assert.Equal((PaymentTaken.Replayed, first.Payment), (again.How, again.Payment));
        Assert.Single((await ledger.ForAsync(user, 500, Bounded)).Payments, p => p.Id == first.Payment.Id);
    }

    public static async Task SameKey_AnotherAmountOrCurrency_IsAConflict_AndStoresNothing(LedgerStore store)
    {
        var ledger = new PaymentLedger(store, TimeProvider.System);
        var user = NewUser();
        var first = await ledger.TakeAsync(user, "key-1", null, 12.5m, "EUR", Bounded);
        var before = await store.CountAsync(Bounded);

        var otherAmount = await ledger.TakeAsync(user, "key-1", null, 13m, "EUR", Bounded);
        var otherCurrency = await ledger.TakeAsync(user, "key-1", null, 12.5m, "USD", Bounded);

        Assert.Equal((PaymentTaken.Conflict, PaymentTaken.Conflict), (otherAmount.How, otherCurrency.How));
        Assert.Equal((first.Payment, first.Payment), (otherAmount.Payment, otherCurrency.Payment));
        Assert.Equal(before, await store.CountAsync(Bounded));
    }

    public static async Task SameRequestAgain_AfterALostAnswer_IsItsOwnPayment_NotAReplay(LedgerStore store)
    {
        var ledger = new PaymentLedger(store, TimeProvider.System);
        var user = NewUser();

        var lost = await ledger.TakeAsync(user, "key-1", "request-1", 5m, "GBP", Bounded);
        var retried = await ledger.TakeAsync(user, "key-1", "request-1", 5m, "GBP", Bounded);
        var someoneElse = await ledger.TakeAsync(user, "key-1", null, 5m, "GBP", Bounded);

        Assert.Equal((PaymentTaken.Created, lost.Payment), (retried.How, retried.Payment));
        Assert.Equal(PaymentTaken.Replayed, someoneElse.How);
    }

    public static async Task SameKey_From40CallersOnTwoStores_IsOnePayment(Func<LedgerStore> open)
    {
        await using var one = open();
        await using var other = open();
        var user = NewUser();
        using var start = new ManualResetEventSlim();

        var takes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await new PaymentLedger(i % 2 == 0 ? one : other, TimeProvider.System).TakeAsync(user, "raced", $"request-{i}", 7m, "EUR", Bounded);
        })).ToList();
        start.Set();
        var taken = await Task.WhenAll(takes);

        Assert.Single(taken, t => t.How == PaymentTaken.Created);
        Assert.Single(taken.Select(t => t.Payment).Distinct());
        Assert.Single((await new PaymentLedger(one, TimeProvider.System).ForAsync(user, 500, Bounded)).Payments, p => p.Id == taken[0].Payment.Id);
    }

    public static async Task List_IsNewestFirst_AtMostTheLimit_ThenTheHistory(LedgerStore store)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var ledger = new PaymentLedger(store, clock);
        var user = NewUser();
        var made = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            made.Add((await ledger.TakeAsync(user, $"key-{i}", null, 1m + i, "EUR", Bounded)).Payment.Id);
        }

        var all = (await ledger.ForAsync(user, 500, Bounded)).Payments.Select(p => p.Id).ToList();
        var three = (await ledger.ForAsync(user, 3, Bounded)).Payments.Select(p => p.Id).ToList();

        made.Reverse();
        Assert.Equal(made, all.Take(5));
        Assert.All(all.Skip(5), id => Assert.StartsWith($"pay-{user}-", id, StringComparison.Ordinal)); // the history, after
        Assert.Equal(made.Take(3), three);
    }

    public static async Task Amount_IsKeptExactly(LedgerStore store)
    {
        var ledger = new PaymentLedger(store, TimeProvider.System);
        var user = NewUser();

        var taken = await ledger.TakeAsync(user, "key-1", null, 999999.99m, "EUR", Bounded);
        var tiny = await ledger.TakeAsync(user, "key-2", null, 0.01m, "EUR", Bounded);

        var listed = (await ledger.ForAsync(user, 500, Bounded)).Payments;
        Assert.Equal(999999.99m, listed.Single(p => p.Id == taken.Payment.Id).Amount);
        Assert.Equal(0.01m, listed.Single(p => p.Id == tiny.Payment.Id).Amount);
    }

    public static async Task EveryPayment_IsThereForTheNextProcess(Func<LedgerStore> open)
    {
        var user = NewUser();
        string id;
        await using (var first = open())
        {
            id = (await new PaymentLedger(first, TimeProvider.System).TakeAsync(user, "key-1", null, 3m, "EUR", Bounded)).Payment.Id;
        }

        await using var next = open();
        Assert.Single((await new PaymentLedger(next, TimeProvider.System).ForAsync(user, 500, Bounded)).Payments, p => p.Id == id);
    }

    private static string NewUser() => $"u{Guid.NewGuid():N}"[..20];
}
