using CircuitDemo.Contracts;

namespace CircuitDemo.PaymentService;

/// <summary>The rules for a payment request: an idempotency key, a positive amount and a currency code.</summary>
public static class PaymentValidation
{
    /// <summary>The longest idempotency key accepted.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>The longest request id accepted (the ledger's column).</summary>
    public const int MaxRequestIdLength = 64;

    /// <summary>Null when valid; otherwise why not.</summary>
    public static string? Check(string? idempotencyKey, string? requestId, PaymentRequest? request)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl))
        {
            return $"An Idempotency-Key header of 1 to {MaxIdempotencyKeyLength} printable characters is required, so that a repeated request "
                + $"never pays twice.";
        }

        if (requestId is not null && (requestId.Length is 0 or > MaxRequestIdLength || requestId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-')))
        {
            return $"An {HeaderNames.RequestId} header, when sent, is 1 to {MaxRequestIdLength} letters, digits and '-'.";
        }

        if (request?.Amount is not (> 0 and <= 1_000_000))
        {
            return "'amount' is required: a number greater than 0 and at most 1000000.";
        }

        if (request.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            return "'currency' is required: a three-letter ISO code in capitals, such as EUR.";
        }

        return null;
    }
}
