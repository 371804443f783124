using System.Globalization;
using System.Text.Json;
using CircuitDemo.Contracts;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CircuitDemo.Gateway.Payments;

/// <summary>
/// <c>POST /payments/user/{userId}</c>: through payment-service's write breaker, to any instance; an attempt that got
/// no usable answer is tried once more on another instance with the same key. The caller may retry with the same
/// <c>Idempotency-Key</c> too: payment-service's one ledger makes that safe.
/// </summary>
public static class PaymentsApi
{
    /// <summary>Maps the payment endpoint.</summary>
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Paths.UserPayments + "/{userId}", CreatePaymentAsync).WithTags("Payments");
        return app;
    }

    private static async Task<Results<JsonHttpResult<JsonElement>, StatusCodeHttpResult, ProblemHttpResult>> CreatePaymentAsync(
        string userId,
        [FromHeader(Name = HeaderNames.IdempotencyKey)] string? idempotencyKey,
        PaymentRequest payment,
        PaymentServiceClient payments,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            return Problems.BadRequest("Idempotency-Key required", "Send an Idempotency-Key header, so that a repeated request never pays twice.");
        }

        try
        {
            // payment-service's answer as it gave it (a payment, or its ProblemDetails for a bad request), except a
            // server error, which is the gateway's 502: the caller should retry with the same Idempotency-Key.
            var answer = await payments.CreatePaymentAsync(userId, idempotencyKey, payment, cancellationToken);
            return answer.StatusCode >= StatusCodes.Status500InternalServerError
                ? NotTaken(
                    StatusCodes.Status502BadGateway,
                    $"payment-service answered {answer.StatusCode}. The payment may or may not have been taken: retry with the same Idempotency-Key.")
                : answer.Forward();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && CircuitBreakingExtensions.FailureOf(exception) is not CallFailure.Unexpected and var failure)
        {
            if (exception is CircuitBreakerRejectedException { RetryAfter: { } wait })
            {
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }
            else if (failure is CallFailure.Overloaded)
            {
                // The limit frees up as calls in flight end, within an attempt timeout at most: come back in a second.
                response.Headers.RetryAfter = "1";
            }

            return failure switch
            {
                CallFailure.Rejected => NotTaken(StatusCodes.Status503ServiceUnavailable, exception.Message),
                CallFailure.Overloaded => NotTaken(
                    StatusCodes.Status503ServiceUnavailable,
                    "payment-service has as many payments in flight as the gateway allows. Retry with the same Idempotency-Key."),
                CallFailure.TimedOut =>
                    NotTaken(StatusCodes.Status504GatewayTimeout, "payment-service did not answer in time. Retry with the same Idempotency-Key."),
                _ => NotTaken(StatusCodes.Status502BadGateway, $"payment-service failed ({exception.Message}). Retry with the same Idempotency-Key."),
            };
        }
    }

    private static ProblemHttpResult NotTaken(int status, string detail) =>
        TypedResults.Problem(statusCode: status, title: "Payment not taken", detail: detail);
}
