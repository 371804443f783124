namespace CircuitDemo.Contracts;

/// <summary>
/// A breaker's retry budget now: how many retries (and hedges) it would allow one after another, and how many it has
/// refused since the gateway started.
/// </summary>
public sealed record RetryBudgetStatus(int AllowedNow, long Refused);

/// <summary>
/// A breaker's concurrency limit now: <c>adaptive</c> (the sum of its endpoints' learnt limits) or <c>static</c>
/// (<c>MaxConcurrentCalls</c>), the calls in flight under it, and its last change: which endpoint's limit moved, why
/// (<c>drop</c>, <c>latency</c> or <c>room</c>) and when.
/// </summary>
public sealed record ConcurrencyStatus(string Kind, int Limit, int InFlight, string? LastChange = null, DateTimeOffset? LastChangeAt = null)
{
    /// <summary>The limit as the dashboard row reads: <c>4 of 12 (adaptive; payment-service-2: latency at 12:00:01)</c>.</summary>
    public string Text => $"{InFlight} of {Limit} ({Kind}" + (LastChange is { } change ? $"; {change} at {LastChangeAt:HH:mm:ss})" : ")");
}
