using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>
/// <c>GET /circuit-breakers/stream</c>: Server-Sent Events, a snapshot of every breaker on connect, then one event per
/// change of state and one per endpoint ejected or back (watch it with <c>curl -N</c>). <c>?status=true</c> adds a status event each second in which
/// any
/// breaker's status moved, which the AppHost uses for the breakers' rows on the dashboard. A heartbeat follows every
/// <see cref="CircuitBreakerStreamOptions.HeartbeatInterval"/> of silence; at most
/// <see cref="CircuitBreakerStreamOptions.MaxStreams"/> streams are open at once (429 beyond); every stream ends as soon
/// as the gateway starts stopping, so an open stream never holds up a stop.
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

    private static Results<ServerSentEventsResult<object>, ProblemHttpResult> Stream(
        TransitionFeed feed,
        CircuitBreakerRegistry registry,
        TimeProvider time,
        IOptions<CircuitBreakerStreamOptions> options,
        IHostApplicationLifetime lifetime,
        HttpResponse response,
        bool? status,
        CancellationToken cancellationToken)
    {
        // Subscribed before the snapshot is taken, so no change falls between the two; one made meanwhile shows in
        // both, and its sequence number tells. Disposed with the request, whether or not the stream ever started.
        if (feed.TrySubscribe() is not { } reader)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many streams",
                detail: $"At most {options.Value.MaxStreams} transition streams may be open at once. Close one, or read {Paths.CircuitBreakers} "
                    + $"instead.");
        }

        response.RegisterForDispose(reader);
        var stream = new StreamSettings(status == true, options.Value.HeartbeatInterval, lifetime.ApplicationStopping);
        return TypedResults.ServerSentEvents(Events(reader, registry, time, stream, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> Events(
        TransitionFeed.Reader reader,
        CircuitBreakerRegistry registry,
        TimeProvider time,
        StreamSettings settings,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = Snapshot(registry);
        yield return new SseItem<object>(last, CircuitBreakerStream.Snapshot);

        // The stream ends, without an error, when the application starts stopping (Kestrel would otherwise wait for it
        // until the host's shutdown timeout) or when its client goes.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, settings.Stopping);
        var stopping = Task.Delay(Timeout.InfiniteTimeSpan, ended.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        var tickInterval = settings.WithStatus && StatusInterval < settings.HeartbeatInterval ? StatusInterval : settings.HeartbeatInterval;
        var lastSent = time.GetTimestamp();
        var changes = reader.Changes;
        var nextChange = changes.WaitToReadAsync(ended.Token).AsTask();
        try
        {
            while (true)
            {
                var tick = Task.Delay(tickInterval, time, ended.Token);
                var woke = await Task.WhenAny(nextChange, tick, stopping);
                if (ended.IsCancellationRequested)
                {
                    yield break;
                }

                if (woke == tick)
                {
                    if (settings.WithStatus && Snapshot(registry) is var status && !status.Breakers.SequenceEqual(last.Breakers))
                    {
                        // Any field of any breaker: a call that completes moves its counts without moving the total.
                        last = status;
                        lastSent = time.GetTimestamp();
                        yield return new SseItem<object>(status, CircuitBreakerStream.Status);
                    }
                    else if (time.GetElapsedTime(lastSent) >= settings.HeartbeatInterval)
                    {
                        lastSent = time.GetTimestamp();
                        yield return new SseItem<object>(
                            time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), CircuitBreakerStream.Heartbeat);
                    }

                    continue;
                }

                if (!await nextChange)
                {
                    yield break;
                }

                while (changes.TryRead(out var item))
                {
                    lastSent = time.GetTimestamp();
                    yield return item.Change switch
                    {
                        CircuitStateChange change => new SseItem<object>(
                            new BreakerTransitionEvent(
                                item.Breaker,
                                change.From,
                                change.To,
                                change.Reason,
                                change.Timestamp,
                                change.Sequence,
                                Summarize(registry.Status(item.Breaker)!)),
                            CircuitBreakerStream.Transition),
                        InstanceChange change => new SseItem<object>(
                            new BreakerEndpointEvent(
                                item.Breaker,
                                change.Name,
                                change.Address,
                                change.State,
                                change.EjectedUntil,
                                change.Ejections,
                                change.Reason,
                                change.Timestamp,
                                change.Sequence,
                                change.LatencyMs,
                                change.InFlight),
                            CircuitBreakerStream.Endpoint),
                        _ => throw new InvalidOperationException($"The feed carries changes of state and of endpoints, not {item.Change}."),
                    };
                }

                nextChange = changes.WaitToReadAsync(ended.Token).AsTask();
            }
        }
        finally
        {
            // Ends the pending waits and their timers with the stream.
            await ended.CancelAsync();
        }
    }

    private static BreakerSnapshotEvent Snapshot(CircuitBreakerRegistry registry) =>
        new([.. registry.Statuses().Select(Summarize)]);

    /// <summary>A breaker's status as the stream and the dashboard show it.</summary>
    public static BreakerSummary Summarize(ServiceBreakerStatus status) => new(
        status.Name,
        status.State,
        status.FailureCount,
        status.Options.FailureThreshold,
        status.NextAttempt,
        status.TotalRequests,
        status.SuccessfulRequests,
        status.FailedRequests,
        status.RejectedRequests,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Reason : null,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Timestamp : null,
        status.StateChanges.Count > 0 ? status.StateChanges[^1].Sequence : 0,
        status.SlowCalls,
        status.SlowCallWindowCalls,
        status.Options.SlowCallDuration,
        new EndpointSummaries(status.Endpoints.Select(e => new EndpointSummary(
            e.Name, e.Address, e.State, e.EjectedUntil, e.Ejections, e.EjectionReason, e.LatencyMs, e.InFlight,
            e.ConsecutiveFailures, e.ConsecutiveSlowCalls))),
        status.EjectionsRefused,
        status.Retries,
        status.Concurrency,
        status.Hedges);

    private sealed record StreamSettings(bool WithStatus, TimeSpan HeartbeatInterval, CancellationToken Stopping);
}
