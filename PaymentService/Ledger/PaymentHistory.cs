using CircuitDemo.Contracts;

namespace CircuitDemo.PaymentService.Ledger;

/// <summary>
/// The deterministic history every user has before any payment is made through the API: zero to three payments drawn
/// from a seed of the user's id, so the same id shows the same history on every instance and every run. It is older than
/// anything the ledger stores, so it comes last in a list that is newest first.
/// </summary>
internal static class PaymentHistory
{
    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];
    private static readonly string[] Statuses = ["completed", "completed", "completed", "refunded", "pending"];

    /// <summary>The user's history, newest first.</summary>
    public static IReadOnlyList<Payment> Of(string userId)
    {
        var random = new Random(StableSeed.For(userId));
        var history = Enumerable.Range(1, random.Next(0, 4))
            .Select(n => new Payment(
                $"pay-{userId}-{n}",
                Math.Round((decimal)(random.NextDouble() * 500) + 1, 2),
                Currencies[random.Next(Currencies.Length)],
                Statuses[random.Next(Statuses.Length)]))
            .ToList();
        history.Reverse();
        return history;
    }
}
