using System.Net.Http.Json;
using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.Http;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>payment-service: reads through its read breaker, payments through its write breaker.</summary>
public sealed class PaymentServiceClient(HttpClient http, ILogger<PaymentServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user's payments, or the "unavailable" fallback.</summary>
    public Task<Section<PaymentsView>> GetPaymentsAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync<UserPayments, PaymentsView>(Paths.ForUser(Paths.UserPayments, userId), payments => new(payments.UserId, payments.Payments), Fallbacks.Payments, cancellationToken);

    /// <summary>
    /// POSTs a payment once (writes are never retried) with the caller's idempotency key, to the one instance that owns
    /// the user's payments (so that the same key, retried, reaches the ledger that has seen it), and returns
    /// payment-service's answer as it gave it. Breaker rejections (the owner out of rotation included), timeouts,
    /// transport failures and unusable answers surface as exceptions.
    /// </summary>
    public async Task<ServiceAnswer> CreatePaymentAsync(string userId, string idempotencyKey, PaymentRequest payment, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, userId)) { Content = JsonContent.Create(payment) };
        request.Headers.Add(HeaderNames.IdempotencyKey, idempotencyKey);
        ServiceInstances.PinToOwnerOf(request, userId);
        request.ExpectJson<Payment>();
        using var response = await Http.SendAsync(request, cancellationToken);
        return await ServiceAnswer.ReadAsync(response, cancellationToken);
    }
}
