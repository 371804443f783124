namespace CircuitDemo.Contracts;

/// <summary>
/// A read breaker's hedges: the delay after which an unanswered read sends one to another endpoint now; whether reads
/// are hedged now (armed: the service has a tail; disarmed, its reads skip the hedging); and how many were sent, won
/// (the hedge's answer was the one used) and refused (due, but not sent: the retry budget was spent, the circuit was
/// not closed, or the concurrency limit was reached) since the gateway started. Sent less won were lost.
/// </summary>
public sealed record HedgingStatus(double DelayMs, bool Armed, long Sent, long Won, long Refused)
{
    /// <summary>The hedges as the dashboard row reads: <c>12 sent, 11 won, 0 refused (after 48 ms)</c>, or disarmed.</summary>
    public string Text => $"{Sent} sent, {Won} won, {Refused} refused (after {DelayMs:0.#} ms{(Armed ? "" : "; disarmed, no tail")})";
}
