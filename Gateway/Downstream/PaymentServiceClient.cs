using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>payment-service: reads through its read breaker, payments through its write breaker.</summary>
public sealed class PaymentServiceClient(HttpClient http, ILogger<PaymentServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user's payments, or the "unavailable" fallback.</summary>
    public Task<Section<PaymentsView>> GetPaymentsAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync<UserPayments, PaymentsView>(
            Paths.ForUser(Paths.UserPayments, userId), payments => new(payments.UserId, payments.Payments), Fallbacks.Payments, cancellationToken);

    /// <summary>
    /// POSTs a payment with the caller's idempotency key to any instance in rotation (every instance shares one ledger),
    /// and returns payment-service's answer as it gave it. An attempt that got no usable answer is tried once more on
    /// another instance by the write pipeline, with the same key and the same <see cref="HeaderNames.RequestId"/>, so
    /// the caller gets the answer one attempt would have given (201 for a payment this call made). Breaker rejections,
    /// timeouts, transport failures and unusable answers surface as exceptions.
    /// </summary>
    public async Task<ServiceAnswer> CreatePaymentAsync(
        string userId, string idempotencyKey, PaymentRequest payment, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, userId))
        {
            Content = JsonContent.Create(payment),
        };
        request.Headers.Add(HeaderNames.IdempotencyKey, idempotencyKey);
        request.Headers.Add(HeaderNames.RequestId, Guid.NewGuid().ToString("N"));
        request.ExpectJson<Payment>();
        using var response = await Http.SendAsync(request, cancellationToken);
        return await ServiceAnswer.ReadAsync(response, cancellationToken);
    }
}
