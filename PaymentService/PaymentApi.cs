using CircuitDemo.ServiceDefaults.FailureInjection;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CircuitDemo.PaymentService;

/// <summary><c>GET</c> and idempotent <c>POST /payments/user/{userId}</c>, both subject to the failure mode.</summary>
public static class PaymentApi
{
    /// <summary>The header that makes a payment request safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Maps the payment endpoints.</summary>
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/payments/user").WithTags("Payments").WithFailureInjection();
        payments.MapGet("/{userId}", GetPayments);
        payments.MapPost("/{userId}", CreatePayment);
        return app;
    }

    private static Results<Ok<UserPayments>, ProblemHttpResult> GetPayments(string userId, PaymentLedger ledger) =>
        UserId.IsValid(userId) ? TypedResults.Ok(ledger.For(userId)) : InvalidUserId();

    private static Results<Created<Payment>, Ok<Payment>, ProblemHttpResult> CreatePayment(
        string userId,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        PaymentRequest request,
        PaymentLedger ledger,
        HttpResponse response)
    {
        if (!UserId.IsValid(userId))
        {
            return InvalidUserId();
        }

        if (PaymentValidation.Check(idempotencyKey, request) is { } error)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid payment", detail: error);
        }

        var (payment, created) = ledger.Create(userId, idempotencyKey!, request.Amount!.Value, request.Currency!);
        if (created)
        {
            return TypedResults.Created((string?)null, payment);
        }

        response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(payment);
    }

    private static ProblemHttpResult InvalidUserId() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid user id", detail: UserId.Rule);
}
