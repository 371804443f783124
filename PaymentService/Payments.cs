namespace CircuitDemo.PaymentService;

/// <summary>One payment.</summary>
public sealed record Payment(string Id, decimal Amount, string Currency, string Status);

/// <summary>A user's payments: the deterministic history, then the ones created through the API.</summary>
public sealed record UserPayments(string UserId, IReadOnlyList<Payment> Payments);

/// <summary>The body of <c>POST /payments/user/{userId}</c>.</summary>
public sealed record PaymentRequest(decimal? Amount, string? Currency);
