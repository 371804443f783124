namespace CircuitDemo.Contracts;

/// <summary>payment-service's <c>GET /payments/user/{userId}</c>: the deterministic history, then the payments created through the API.</summary>
public sealed record UserPayments(string UserId, IReadOnlyList<Payment> Payments);

/// <summary>One payment.</summary>
public sealed record Payment(string Id, decimal Amount, string Currency, string Status);

/// <summary>The body of <c>POST /payments/user/{userId}</c>, at the gateway and at payment-service.</summary>
public sealed record PaymentRequest(decimal? Amount, string? Currency);

/// <summary>payment-service's <c>GET /ledger</c>: which store the ledger is in, where, and how many payments it holds.</summary>
public sealed record LedgerView(string Store, string Location, long Payments);
