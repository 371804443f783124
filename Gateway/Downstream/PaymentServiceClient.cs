using System.Net.Http.Json;
using System.Text.Json;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>The body of a payment request, as forwarded to payment-service.</summary>
public sealed record PaymentRequest(decimal? Amount, string? Currency);

/// <summary>payment-service: reads through its read breaker, payments through its write breaker.</summary>
public sealed class PaymentServiceClient(HttpClient http, ILogger<PaymentServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The header that makes a payment safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly HttpClient _http = http;

    /// <summary>The user's payments, or the "unavailable" fallback.</summary>
    public Task<Section<PaymentsView>> GetPaymentsAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync($"/payments/user/{userId}", Fallbacks.Payments, cancellationToken);

    /// <summary>
    /// POSTs a payment once (writes are never retried) with the caller's idempotency key, and returns the service's
    /// status and body unchanged. Breaker rejections, timeouts and transport failures surface as exceptions.
    /// </summary>
    public async Task<(int StatusCode, JsonElement? Body, string? ContentType)> CreatePaymentAsync(
        string userId, string idempotencyKey, PaymentRequest payment, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/payments/user/{userId}")
        {
            Content = JsonContent.Create(payment),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = response.Content.Headers.ContentLength is 0
            ? (JsonElement?)null
            : await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return ((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }
}
