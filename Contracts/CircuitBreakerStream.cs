namespace CircuitDemo.Contracts;

/// <summary>
/// The gateway's <c>GET /circuit-breakers/stream</c> (Server-Sent Events): a <see cref="Snapshot"/> on connect, then
/// a <see cref="Transition"/> per change of state; with <c>?status=true</c>, also a <see cref="Status"/> each second
/// in which any breaker's counts moved; and a <see cref="Heartbeat"/> after <see cref="HeartbeatInterval"/> without any
/// other event, so that either side notices a peer that has gone silent.
/// </summary>
public static class CircuitBreakerStream
{
    /// <summary>The path of the stream.</summary>
    public const string Path = Paths.CircuitBreakers + "/stream";

    /// <summary>Event type: every breaker as it is now (<see cref="BreakerSnapshotEvent"/>).</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Event type: one breaker changed state (<see cref="BreakerTransitionEvent"/>).</summary>
    public const string Transition = "transition";

    /// <summary>Event type: an endpoint of a breaker's service was ejected or is back in rotation (<see cref="BreakerEndpointEvent"/>).</summary>
    public const string Endpoint = "endpoint";

    /// <summary>Event type: the counts moved (<see cref="BreakerSnapshotEvent"/>).</summary>
    public const string Status = "status";

    /// <summary>
    /// Event type: nothing else was sent for a while; its data is the gateway's time. A named event rather than an SSE
    /// comment line: the framework's SSE writer (<c>SseFormatter</c>) writes no comments, and its parser hides them,
    /// while a browser's <c>EventSource</c> ignores a named event nobody listens for just as it ignores a comment.
    /// </summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>The longest the gateway stays silent on a stream by default: a heartbeat follows this much silence.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>A reader that has heard nothing (not even a heartbeat) for this long takes the stream for dead and reconnects.</summary>
    public static readonly TimeSpan SilenceLimit = 3 * HeartbeatInterval;
}

/// <summary>Every breaker as it is at one moment.</summary>
public sealed record BreakerSnapshotEvent(IReadOnlyList<BreakerSummary> Breakers);

/// <summary>One change of state: which breaker, from, to, why, when; and the breaker right after it.</summary>
public sealed record BreakerTransitionEvent(
    string Name, CircuitState From, CircuitState To, string Reason, DateTimeOffset Time, long Sequence, BreakerSummary Breaker);

/// <summary>
/// What a person watching a breaker needs: its state, streak, next probe, counts and last change; with the slow-call
/// rule on, the slow calls among the calls in its window, and the duration they were slower than; its endpoints; how
/// many ejections the cap refused; its retry budget, its concurrency limit and its hedges.
/// </summary>
public sealed record BreakerSummary(
    string Name,
    CircuitState State,
    int FailureCount,
    int FailureThreshold,
    DateTimeOffset? NextAttempt,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    string? LastReason,
    DateTimeOffset? LastChange,
    long Sequence,
    int SlowCalls = 0,
    int SlowCallWindowCalls = 0,
    TimeSpan? SlowCallDuration = null,
    EndpointSummaries? Endpoints = null,
    long EjectionsRefused = 0,
    RetryBudgetStatus? RetryBudget = null,
    ConcurrencyStatus? Concurrency = null,
    HedgingStatus? Hedges = null)
{
    /// <summary>The endpoints as the dashboard row reads: <c>2 in, 1 ejected</c>, or <c>-</c> before any was resolved.</summary>
    public string EndpointsText => Endpoints is { Count: > 0 } endpoints
        ? $"{endpoints.Count(e => e.State == EndpointState.Active)} in, {endpoints.Count(e => e.State == EndpointState.Ejected)} ejected"
        : "-";

    /// <summary>The slow-call rule as the dashboard row reads: <c>7 of 12 over 1.25 s</c>, or <c>off</c>.</summary>
    public string SlowCallsText => SlowCallDuration is { } duration
        ? $"{SlowCalls} of {SlowCallWindowCalls} over {DurationText.Seconds(duration)}"
        : "off";
}

/// <summary>An endpoint of a breaker's service ejected, or back in rotation, with its latency estimate and calls in flight then.</summary>
public sealed record BreakerEndpointEvent(
    string Name,
    string Instance,
    string Address,
    EndpointState State,
    DateTimeOffset? EjectedUntil,
    int Ejections,
    string Reason,
    DateTimeOffset Time,
    long Sequence,
    double LatencyMs,
    int InFlight);

/// <summary>
/// One endpoint of a breaker's service: its instance's name, its address, <c>Active</c> or <c>Ejected</c> and until when
/// and why, its latency estimate (milliseconds) and its calls in flight.
/// </summary>
public sealed record EndpointSummary(
    string Instance,
    string Address,
    EndpointState State,
    DateTimeOffset? EjectedUntil,
    int Ejections,
    string? EjectionReason = null,
    double LatencyMs = 0,
    int InFlight = 0,
    int ConsecutiveFailures = 0,
    int ConsecutiveSlowCalls = 0);

/// <summary>A breaker's endpoints, equal when every entry is: so that a summary compares by what it says.</summary>
public sealed class EndpointSummaries : List<EndpointSummary>, IEquatable<EndpointSummaries>
{
    public EndpointSummaries()
    {
    }

    public EndpointSummaries(IEnumerable<EndpointSummary> endpoints)
        : base(endpoints)
    {
    }

    public bool Equals(EndpointSummaries? other) => other is not null && this.SequenceEqual(other);

    public override bool Equals(object? obj) => Equals(obj as EndpointSummaries);

    public override int GetHashCode() => Count;
}
