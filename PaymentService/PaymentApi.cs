using System.Globalization;
using CircuitDemo.Contracts;
using CircuitDemo.FailureModes;
using CircuitDemo.PaymentService.Ledger;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CircuitDemo.PaymentService;

/// <summary>
/// <c>GET</c> and idempotent <c>POST /payments/user/{userId}</c> on the shared ledger, both subject to the failure
/// mode; and <c>GET /ledger</c>, the ledger at a glance. A ledger that cannot be used answers 503 with <c>Retry-After</c>.
/// </summary>
public static class PaymentApi
{
    /// <summary>Maps the payment endpoints.</summary>
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup(Paths.UserPayments).WithTags("Payments").WithFailureInjection().AddEndpointFilter(LedgerUnavailable);
        payments.MapGet("/{userId}", GetPaymentsAsync);
        payments.MapPost("/{userId}", CreatePaymentAsync);
        app.MapGet(Paths.Ledger, DescribeAsync).WithTags("Payments").AddEndpointFilter(LedgerUnavailable);
        return app;
    }

    private static async Task<Results<Ok<UserPayments>, ProblemHttpResult>> GetPaymentsAsync(
        string userId, [FromQuery] string? limit, PaymentLedger ledger, CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        var count = PaymentLedger.DefaultLimit;
        if (limit is not null
            && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= PaymentLedger.MaxLimit))
        {
            return Problems.BadRequest(
                "Invalid limit", $"'limit' must be a whole number from 1 to {PaymentLedger.MaxLimit} (default {PaymentLedger.DefaultLimit}).");
        }

        return TypedResults.Ok(await ledger.ForAsync(userId, count, cancellationToken));
    }

    private static async Task<Results<Created<Payment>, Ok<Payment>, ProblemHttpResult>> CreatePaymentAsync(
        string userId,
        [FromHeader(Name = HeaderNames.IdempotencyKey)] string? idempotencyKey,
        [FromHeader(Name = HeaderNames.RequestId)] string? requestId,
        PaymentRequest request,
        PaymentLedger ledger,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        if (PaymentValidation.Check(idempotencyKey, requestId, request) is { } error)
        {
            return Problems.BadRequest("Invalid payment", error);
        }

        // Not cancelled with the caller: a payment the store has begun to take is taken whole, and its answer computed.
        var (payment, how) = await ledger.TakeAsync(
            userId, idempotencyKey!, requestId, request.Amount!.Value, request.Currency!, CancellationToken.None);
        switch (how)
        {
            case PaymentTaken.Created:
                return TypedResults.Created((string?)null, payment);
            case PaymentTaken.Conflict:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "Idempotency-Key already used",
                    detail: "This Idempotency-Key was used for a payment of another amount or currency. Nothing was stored: send a new key for a "
                        + "new payment.");
            default:
                response.Headers[HeaderNames.IdempotentReplayed] = "true";
                return TypedResults.Ok(payment);
        }
    }

    private static async Task<Ok<LedgerView>> DescribeAsync(LedgerStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new LedgerView(store.Store, store.Location, await store.CountAsync(cancellationToken)));

    // The store down, locked past its timeout or failing: 503 with Retry-After, a failure the gateway's breaker counts and
    // its write retry takes to another instance; the reason in the log, never a stack trace in the answer.
    private static async ValueTask<object?> LedgerUnavailable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (LedgerUnavailableException unavailable)
        {
            var http = context.HttpContext;
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PaymentApi)).LogWarning("{Reason}", unavailable.Message);
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Ledger unavailable",
                detail: "The payment ledger cannot be used right now. Retry with the same Idempotency-Key: the ledger takes a key once, however "
                    + "often it is sent.");
        }
    }
}
