using CircuitDemo.Gateway.Downstream;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Mvc;
using Polly.Timeout;

namespace CircuitDemo.Gateway.Endpoints;

/// <summary>
/// <c>POST /payments/user/{userId}</c>: one attempt through payment-service's write breaker, never retried by the
/// gateway. The caller may retry with the same <c>Idempotency-Key</c>; payment-service makes that safe.
/// </summary>
public static class PaymentEndpoints
{
    /// <summary>Maps the payment endpoint.</summary>
    public static IEndpointRouteBuilder MapPaymentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/payments/user/{userId}", CreatePaymentAsync).WithTags("Payments");
        return app;
    }

    private static async Task<IResult> CreatePaymentAsync(
        string userId,
        [FromHeader(Name = PaymentServiceClient.IdempotencyKeyHeader)] string? idempotencyKey,
        PaymentRequest payment,
        PaymentServiceClient payments,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!UserId.IsValid(userId))
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
            var (status, body, contentType) = await payments.CreatePaymentAsync(userId, idempotencyKey, payment, cancellationToken);
            if (status >= StatusCodes.Status500InternalServerError)
            {
                return Unavailable(StatusCodes.Status502BadGateway, $"payment-service answered {status}. The payment may or may not have been taken: retry with the same Idempotency-Key.");
            }

            return body is { } json ? Results.Json(json, contentType: contentType, statusCode: status) : Results.StatusCode(status);
        }
        catch (CircuitBreakerRejectedException rejected)
        {
            if (rejected.RetryAfter is { } wait)
            {
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Unavailable(StatusCodes.Status503ServiceUnavailable, rejected.Message);
        }
        catch (TimeoutRejectedException)
        {
            return Unavailable(StatusCodes.Status504GatewayTimeout, "payment-service did not answer in time. Retry with the same Idempotency-Key.");
        }
        catch (HttpRequestException failure)
        {
            return Unavailable(StatusCodes.Status502BadGateway, $"payment-service failed ({failure.Message}). Retry with the same Idempotency-Key.");
        }
    }

    private static IResult Unavailable(int status, string detail) =>
        TypedResults.Problem(statusCode: status, title: "Payment not taken", detail: detail);
}
