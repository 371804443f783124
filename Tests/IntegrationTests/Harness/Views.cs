
namespace CircuitDemo.IntegrationTests;

// What the tests read from the gateway, as an outside client would: only the fields they assert on. Shapes the
// projects share (failure modes, stats, the stream's events) come from the Contracts project itself.

public sealed record BreakersView(IReadOnlyList<BreakerView> Breakers);

public sealed record StateChangeView(DateTimeOffset Timestamp, CircuitState From, CircuitState To, string Reason, long Sequence);

public sealed record BreakerView(
    string Name,
    CircuitState State,
    int FailureCount,
    int SuccessCount,
    DateTimeOffset? NextAttempt,
    long? RetryAfterMs,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    long CancelledRequests,
    long InFlightRequests,
    IReadOnlyList<StateChangeView> StateChanges,
    CircuitBreakerOptions Options,
    IReadOnlyList<EndpointStatus> Endpoints,
    RetryBudgetStatus? Retries = null,
    ConcurrencyStatus? Concurrency = null,
    HedgingStatus? Hedges = null)
{
    /// <summary>How many changes of state the breaker has made so far: the sequence number of its latest one.</summary>
    public long ChangesSoFar => StateChanges.Count > 0 ? StateChanges[^1].Sequence : 0;

    /// <summary>The kept changes made after the one numbered <paramref name="sequence"/>.</summary>
    public IEnumerable<StateChangeView> ChangesAfter(long sequence) => StateChanges.Where(c => c.Sequence > sequence);
}

public sealed record HeapView(long HeapBytesAfterFullGc, long TotalAllocatedBytes, int Gen2Collections, long WorkingSetBytes);
