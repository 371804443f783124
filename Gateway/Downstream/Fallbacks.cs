using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>The fallbacks of the Node.js article this project started from, one per service (docs/contract.md, "3. The gateway").</summary>
public static class Fallbacks
{
    /// <summary>The user fallback.</summary>
    public static UserView User(string userId) => new(userId, "Fallback User", "fallback@example.com", FromCache: true);

    /// <summary>The orders fallback.</summary>
    public static OrdersView Orders() => new(UserId: null, Orders: [], FromCache: true);

    /// <summary>The payments fallback.</summary>
    public static PaymentsView Payments() => new(UserId: null, Payments: [], Message: "Payment service unavailable");
}
