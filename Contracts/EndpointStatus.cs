namespace CircuitDemo.Contracts;

/// <summary>
/// One endpoint (one instance) of a breaker's service, as <c>/circuit-breakers</c> shows it: its name (the AppHost's
/// resource or the cluster's pod), its address, whether it is in rotation, its streaks of failures and of slow calls, how
/// often it was ejected and until when (wall-clock time, for display) and why, its counts, its latency estimate (a peak
/// EWMA, in milliseconds), its calls in flight and how many it may have (its learnt concurrency limit).
/// <c>TotalRequests</c> counts every attempt sent to it, in flight ones too.
/// </summary>
public sealed record EndpointStatus(
    string Name,
    string Address,
    EndpointState State,
    int ConsecutiveFailures,
    int ConsecutiveSlowCalls,
    int Ejections,
    DateTimeOffset? EjectedUntil,
    string? EjectionReason,
    long TotalRequests,
    long FailedRequests,
    double LatencyMs,
    int InFlight,
    int ConcurrencyLimit = 0);
