namespace CircuitDemo.Contracts;

/// <summary>The HTTP headers CircuitDemo's processes exchange.</summary>
public static class HeaderNames
{
    /// <summary>Carries the admin key on every control-plane request.</summary>
    public const string AdminKey = "X-Admin-Key";

    /// <summary>Makes a payment safe to repeat: the same key never pays twice.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer that replays the payment first created for its idempotency key.</summary>
    public const string IdempotentReplayed = "Idempotent-Replayed";

    /// <summary>
    /// The caller's id for one payment request, the same on each of its attempts: the gateway's retry of a write that lost
    /// its answer sends it again, and payment-service answers 201, not a replay, when the payment was made by that id.
    /// </summary>
    public const string RequestId = "X-Request-Id";
}
