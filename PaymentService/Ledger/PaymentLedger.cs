using CircuitDemo.Contracts;

namespace CircuitDemo.PaymentService.Ledger;

/// <summary>How a payment request was answered by the ledger.</summary>
public enum PaymentTaken
{
    /// <summary>This request made the payment (or an earlier attempt of the same request, by its request id).</summary>
    Created,

    /// <summary>Another request with the same key and the same amount and currency made it: this is a replay.</summary>
    Replayed,

    /// <summary>The key was used for another amount or currency: nothing stored.</summary>
    Conflict,
}

/// <summary>
/// The payments of every user, in the one ledger every instance shares (<see cref="LedgerStore"/>): the deterministic
/// history of each user id, then the payments made through the API, each made at most once per idempotency key,
/// whichever instance is asked, however often and however concurrently.
/// </summary>
public sealed class PaymentLedger(LedgerStore store, TimeProvider time)
{
    /// <summary>A user's list holds at most this many payments unless the read asks for more.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The most payments one read returns.</summary>
    public const int MaxLimit = 500;

    /// <summary>The user's payments, newest first, at most <paramref name="limit"/>: those made, then the history.</summary>
    public async Task<UserPayments> ForAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        var made = await store.ListAsync(userId, limit, cancellationToken);
        return new UserPayments(userId, [.. made.Select(p => p.Payment).Concat(PaymentHistory.Of(userId)).Take(limit)]);
    }

    /// <summary>
    /// Takes the payment for <paramref name="idempotencyKey"/>, or finds the one taken for it before: the same amount
    /// and currency is a replay (or, made by the same <paramref name="requestId"/>, this request's own payment), another
    /// is a conflict and stores nothing.
    /// </summary>
    public async Task<(Payment Payment, PaymentTaken How)> TakeAsync(
        string userId, string idempotencyKey, string? requestId, decimal amount, string currency, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var candidate = new StoredPayment(
            new Payment("pay-" + Guid.CreateVersion7(now).ToString("N"), amount, currency, "completed"), requestId ?? "");
        var stored = await store.InsertOrReadAsync(userId, idempotencyKey, candidate, now.ToUnixTimeMilliseconds(), cancellationToken);
        var how = stored.Payment.Id == candidate.Payment.Id ? PaymentTaken.Created
            : stored.Payment.Amount != amount || stored.Payment.Currency != currency ? PaymentTaken.Conflict
            : requestId is { Length: > 0 } && stored.RequestId == requestId ? PaymentTaken.Created
            : PaymentTaken.Replayed;
        return (stored.Payment, how);
    }
}
