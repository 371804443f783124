using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.FailureInjection;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CircuitDemo.PaymentService;

/// <summary><c>GET</c> and idempotent <c>POST /payments/user/{userId}</c>, both subject to the failure mode.</summary>
public static class PaymentApi
{
    /// <summary>Maps the payment endpoints.</summary>
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup(Paths.UserPayments).WithTags("Payments").WithFailureInjection();
        payments.MapGet("/{userId}", GetPayments);
        payments.MapPost("/{userId}", CreatePayment);
        return app;
    }

    private static Results<Ok<UserPayments>, ProblemHttpResult> GetPayments(string userId, PaymentLedger ledger) =>
        UserIds.IsValid(userId) ? TypedResults.Ok(ledger.For(userId)) : Problems.InvalidUserId();

    private static Results<Created<Payment>, Ok<Payment>, ProblemHttpResult> CreatePayment(
        string userId,
        [FromHeader(Name = HeaderNames.IdempotencyKey)] string? idempotencyKey,
        PaymentRequest request,
        PaymentLedger ledger,
        HttpResponse response)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        if (PaymentValidation.Check(idempotencyKey, request) is { } error)
        {
            return Problems.BadRequest("Invalid payment", error);
        }

        var (payment, created) = ledger.Create(userId, idempotencyKey!, request.Amount!.Value, request.Currency!);
        if (created)
        {
            return TypedResults.Created((string?)null, payment);
        }

        response.Headers[HeaderNames.IdempotentReplayed] = "true";
        return TypedResults.Ok(payment);
    }
}
