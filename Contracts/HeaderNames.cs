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
}
