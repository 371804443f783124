using System.Globalization;
using CircuitDemo.Contracts;

namespace CircuitDemo.PaymentService.Ledger;

/// <summary>A payment as the ledger keeps it: the payment, and the id of the request that made it.</summary>
internal sealed record StoredPayment(Payment Payment, string RequestId)
{
    /// <summary>The amount as the ledger stores it: the decimal's invariant text, exact on every store.</summary>
    public static string AmountText(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>The amount the ledger stored.</summary>
    public static decimal ParseAmount(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
