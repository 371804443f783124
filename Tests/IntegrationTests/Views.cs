namespace CircuitDemo.IntegrationTests;

// What the tests read from the gateway and the services: only the fields they assert on.

public sealed record BreakersView(IReadOnlyList<BreakerView> Breakers);

public sealed record StateChangeView(DateTimeOffset Timestamp, string From, string To, string Reason);

public sealed record BreakerView(
    string Name,
    string State,
    int FailureCount,
    int SuccessCount,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    long CancelledRequests,
    long InFlightRequests,
    IReadOnlyList<StateChangeView> StateChanges);

public sealed record StatsView(long BusinessRequests);

public sealed record SourcesView(string User, string Orders, string Payments);

public sealed record DashboardResponse(JsonElement User, JsonElement Orders, JsonElement Payments, SourcesView Sources, DateTimeOffset Timestamp);

public sealed record FailureModeView(string Mode, int? StatusCode, int? DelayMs, double? FailureRate);

public sealed record PaymentView(string Id, decimal Amount, string Currency, string Status);

public sealed record HeapView(long HeapBytesAfterFullGc, long TotalAllocatedBytes, int Gen2Collections);
