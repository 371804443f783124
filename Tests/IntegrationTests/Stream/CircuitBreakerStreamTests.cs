using System.Net.ServerSentEvents;

namespace CircuitDemo.IntegrationTests.Stream;

/// <summary>The gateway's <c>/circuit-breakers/stream</c>, read as <c>curl -N</c> would: a snapshot, then each change as it happens.</summary>
[Collection(SharedSystem.Name)]
public sealed class CircuitBreakerStreamTests(CircuitDemoApp system) : IAsyncLifetime
{
    private static readonly TimeSpan Push = TimeSpan.FromSeconds(1);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task Stream_SnapshotOnConnect_ThenEachTransitionWithinASecond_HalfOpenWithoutTraffic()
    {
        var wallClock = new WallClockWatch();
        using var cancellation = new CancellationTokenSource(TestTimeouts.Step);
        using var stream = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await stream.GetAsync(CircuitBreakerStream.Path, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(cancellation.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(cancellation.Token).GetAsyncEnumerator(cancellation.Token);

        // On connect: every breaker, all Closed.
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(CircuitBreakerStream.Snapshot, events.Current.EventType);
        var snapshot = JsonSerializer.Deserialize<BreakerSnapshotEvent>(events.Current.Data, JsonSerializerOptions.Web)!;
        Assert.Equal(BreakerNames.Gateway.Order(StringComparer.Ordinal), snapshot.Breakers.Select(b => b.Name));
        Assert.All(snapshot.Breakers, b => Assert.Equal(CircuitState.Closed, b.State));

        // A transition made by a failing call: pushed within a second of happening.
        await system.SetFailureModeAsync(ServiceNames.Payment, new FailureMode(FailureKind.Error, StatusCode: 500));
        await system.DashboardAsync("stream");
        var opened = await NextTransitionAsync(events);
        Assert.Equal((ServiceNames.Payment, CircuitState.Closed, CircuitState.Open, "2 consecutive failures"), (opened.Event.Name, opened.Event.From, opened.Event.To, opened.Event.Reason));
        wallClock.AssertWithin(Push, opened.Event.Time, opened.ArrivedAt, "The transition arrived");
        Assert.Equal(CircuitState.Open, opened.Event.Breaker.State);

        // With no call at all, Open turns HalfOpen when the open duration is up, and that too is pushed within a second.
        var halfOpen = await NextTransitionAsync(events);
        Assert.Equal((CircuitState.Open, CircuitState.HalfOpen, "open duration elapsed"), (halfOpen.Event.From, halfOpen.Event.To, halfOpen.Event.Reason));
        wallClock.AssertApart(system.OpenDuration, opened.Event.Time, halfOpen.Event.Time, "Open and HalfOpen");
        wallClock.AssertWithin(Push, halfOpen.Event.Time, halfOpen.ArrivedAt, "HalfOpen arrived");
        Assert.Equal(opened.Event.Sequence + 1, halfOpen.Event.Sequence);
    }

    private static async Task<(BreakerTransitionEvent Event, DateTimeOffset ArrivedAt)> NextTransitionAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current.EventType == CircuitBreakerStream.Transition)
            {
                return (JsonSerializer.Deserialize<BreakerTransitionEvent>(events.Current.Data, JsonSerializerOptions.Web)!, DateTimeOffset.UtcNow);
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
