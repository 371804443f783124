namespace CircuitDemo.Contracts;

/// <summary>payment-service's <c>GET /payments/user/{userId}</c>: the deterministic history, then the payments created through the API.</summary>
public sealed record UserPayments(string UserId, IReadOnlyList<Payment> Payments);

/// <summary>One payment.</summary>
public sealed record Payment(string Id, decimal Amount, string Currency, string Status);

/// <summary>The body of <c>POST /payments/user/{userId}</c>, at the gateway and at payment-service.</summary>
public sealed record PaymentRequest(decimal? Amount, string? Currency);
