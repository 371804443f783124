using System.Collections.Concurrent;
using CircuitDemo.Contracts;

namespace CircuitDemo.PaymentService;

/// <summary>
/// The payments of every user: a deterministic history per user id plus the payments created here, each created
/// at most once per idempotency key, however many times and however concurrently the key is sent.
/// </summary>
public sealed class PaymentLedger
{
    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];
    private static readonly string[] Statuses = ["completed", "completed", "completed", "refunded", "pending"];

    private readonly ConcurrentDictionary<(string UserId, string Key), Lazy<Payment>> _byIdempotencyKey = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Payment>> _created = new();

    /// <summary>The user's history followed by the payments created for them, in creation order.</summary>
    public UserPayments For(string userId)
    {
        var random = new Random(StableSeed.For(userId));
        var history = Enumerable.Range(1, random.Next(0, 4))
            .Select(n => new Payment(
                $"pay-{userId}-{n}",
                Math.Round((decimal)(random.NextDouble() * 500) + 1, 2),
                Currencies[random.Next(Currencies.Length)],
                Statuses[random.Next(Statuses.Length)]));
        var created = _created.TryGetValue(userId, out var queue) ? queue : Enumerable.Empty<Payment>();
        return new UserPayments(userId, [.. history, .. created]);
    }

    /// <summary>Creates the payment for this key, or returns the one already created for it (<c>Created</c> false).</summary>
    public (Payment Payment, bool Created) Create(string userId, string idempotencyKey, decimal amount, string currency)
    {
        var created = false;
        var entry = _byIdempotencyKey.GetOrAdd((userId, idempotencyKey), _ => new Lazy<Payment>(() =>
        {
            created = true;
            var payment = new Payment("pay-" + Guid.NewGuid().ToString("N"), amount, currency, "completed");
            _created.GetOrAdd(userId, _ => new ConcurrentQueue<Payment>()).Enqueue(payment);
            return payment;
        }));
        return (entry.Value, created);
    }
}
