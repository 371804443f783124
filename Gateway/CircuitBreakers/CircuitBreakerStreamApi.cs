using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>
/// <c>GET /circuit-breakers/stream</c>: Server-Sent Events, a snapshot of every breaker on connect, then one event per
/// change of state (watch it with <c>curl -N</c>). <c>?status=true</c> adds a status event each second in which the
/// counts moved, which the AppHost uses for the breakers' rows on the dashboard.
/// </summary>
public static class CircuitBreakerStreamApi
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    /// <summary>Maps the stream.</summary>
    public static IEndpointRouteBuilder MapCircuitBreakerStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(CircuitBreakerStream.Path, Stream).WithTags("Circuit breakers");
        return app;
    }

    private static ServerSentEventsResult<object> Stream(TransitionFeed feed, CircuitBreakerRegistry registry, TimeProvider time, bool? status, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Events(feed, registry, time, status == true, cancellationToken));

    private static async IAsyncEnumerable<SseItem<object>> Events(
        TransitionFeed feed, CircuitBreakerRegistry registry, TimeProvider time, bool withStatus, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribed before the snapshot is taken, so no change falls between the two; one made meanwhile shows in
        // both, and its sequence number tells.
        using var reader = feed.Subscribe();
        var snapshot = Snapshot(registry);
        yield return new SseItem<object>(snapshot, CircuitBreakerStream.Snapshot);

        var lastCounts = Counts(snapshot);
        var changes = reader.Changes;
        var nextChange = changes.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            if (withStatus)
            {
                var tick = Task.Delay(StatusInterval, time, cancellationToken);
                if (await Task.WhenAny(nextChange, tick) == tick)
                {
                    await tick; // throws when the client has gone
                    var status = Snapshot(registry);
                    if (Counts(status) != lastCounts)
                    {
                        lastCounts = Counts(status);
                        yield return new SseItem<object>(status, CircuitBreakerStream.Status);
                    }

                    continue;
                }
            }

            if (!await nextChange)
            {
                yield break;
            }

            while (changes.TryRead(out var item))
            {
                var (breaker, change) = item;
                yield return new SseItem<object>(
                    new BreakerTransitionEvent(breaker.Name, change.From.ToString(), change.To.ToString(), change.Reason, change.Timestamp, change.Sequence, Summarize(breaker.GetStatus())),
                    CircuitBreakerStream.Transition);
            }

            nextChange = changes.WaitToReadAsync(cancellationToken).AsTask();
        }
    }

    private static BreakerSnapshotEvent Snapshot(CircuitBreakerRegistry registry) =>
        new([.. registry.All.Select(b => Summarize(b.GetStatus()))]);

    private static long Counts(BreakerSnapshotEvent snapshot) =>
        snapshot.Breakers.Sum(b => b.TotalRequests + b.FailureCount);

    /// <summary>A breaker's status as the stream and the dashboard show it.</summary>
    public static BreakerSummary Summarize(CircuitBreakerStatus status) => new(
        status.Name,
        status.State.ToString(),
        status.FailureCount,
        status.Options.FailureThreshold,
        status.NextAttempt,
        status.TotalRequests,
        status.SuccessfulRequests,
        status.FailedRequests,
        status.RejectedRequests,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Reason : null,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Timestamp : null,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Sequence : 0);
}
