using CircuitDemo.Contracts;

namespace CircuitDemo.Contracts;

/// <summary>
/// The gateway's <c>GET /circuit-breakers/stream</c> (Server-Sent Events): a <see cref="Snapshot"/> on connect, then
/// a <see cref="Transition"/> per change of state; with <c>?status=true</c>, also a <see cref="Status"/> each second
/// in which any breaker's counts moved.
/// </summary>
public static class CircuitBreakerStream
{
    /// <summary>The path of the stream.</summary>
    public const string Path = Paths.CircuitBreakers + "/stream";

    /// <summary>Event type: every breaker as it is now (<see cref="BreakerSnapshotEvent"/>).</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Event type: one breaker changed state (<see cref="BreakerTransitionEvent"/>).</summary>
    public const string Transition = "transition";

    /// <summary>Event type: the counts moved (<see cref="BreakerSnapshotEvent"/>).</summary>
    public const string Status = "status";
}

/// <summary>Every breaker as it is at one moment.</summary>
public sealed record BreakerSnapshotEvent(IReadOnlyList<BreakerSummary> Breakers);

/// <summary>One change of state: which breaker, from, to, why, when; and the breaker right after it.</summary>
public sealed record BreakerTransitionEvent(string Name, string From, string To, string Reason, DateTimeOffset Time, long Sequence, BreakerSummary Breaker);

/// <summary>What a person watching a breaker needs: its state, streak, next probe, counts and last change.</summary>
public sealed record BreakerSummary(
    string Name,
    string State,
    int FailureCount,
    int FailureThreshold,
    DateTimeOffset? NextAttempt,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long RejectedRequests,
    string? LastReason,
    DateTimeOffset? LastChange,
    long Sequence);
