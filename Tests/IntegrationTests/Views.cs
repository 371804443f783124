namespace CircuitDemo.IntegrationTests;

// What the tests read from the gateway, as an outside client would: only the fields they assert on. Shapes the
// projects share (failure modes, stats, the stream's events) come from the Contracts project itself.

public sealed record BreakersView(IReadOnlyList<BreakerView> Breakers);

public sealed record StateChangeView(DateTimeOffset Timestamp, string From, string To, string Reason, long Sequence);

public sealed record BreakerView(
    string Name,
    string State,
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
    IReadOnlyList<StateChangeView> StateChanges);

public sealed record DashboardResponse(JsonElement User, JsonElement Orders, JsonElement Payments, Contracts.DashboardSources Sources, DateTimeOffset Timestamp);

public sealed record PaymentView(string Id, decimal Amount, string Currency, string Status);

public sealed record HeapView(long HeapBytesAfterFullGc, long TotalAllocatedBytes, int Gen2Collections, long WorkingSetBytes);
