using System.Diagnostics;
using System.Net.ServerSentEvents;

namespace CircuitDemo.IntegrationTests.Stream;

/// <summary>
/// The transition stream of a plain gateway: its cap, its heartbeat, the status events and the instance events pushed with no traffic.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class StreamProcessTests
{
    [Fact]
    public async Task Streams_BeyondTheCap_Are429_AndAClosedStreamFreesItsPlace()
    {
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(PlainGateway.Nowhere(), ("CircuitBreakerStream__MaxStreams", "2")));
        using var client = gateway.Client();
        using var first = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path);
        using var second = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path);

        await ProblemAssert.IsAsync(await client.GetAsync(CircuitBreakerStream.Path, HttpCompletionOption.ResponseHeadersRead), 429);

        first.Dispose();
        var reopened = await Eventually.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync(CircuitBreakerStream.Path, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    response.Dispose();
                }

                return response;
            },
            response => response.StatusCode == HttpStatusCode.OK,
            "a place to free up once a stream was closed");
        reopened.Dispose();
    }

    [Fact]
    public async Task Stream_NothingHappening_SendsAHeartbeatAfterEachInterval()
    {
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(PlainGateway.Nowhere(), ("CircuitBreakerStream__HeartbeatInterval", "00:00:00.300")));
        using var client = gateway.Client();
        using var stream = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path);
        var first = await PlainGateway.NextEventAsync(stream.Events);
        var second = await PlainGateway.NextEventAsync(stream.Events);

        // Judged by the times the gateway wrote into them, not by when this reader got to them: a reader held up on a
        // loaded machine finds two heartbeats waiting at once.
        Assert.Equal((CircuitBreakerStream.Heartbeat, CircuitBreakerStream.Heartbeat), (first?.EventType, second?.EventType));
        var (sent, sentNext) = (JsonSerializer.Deserialize<DateTimeOffset>(first!.Value.Data), JsonSerializer.Deserialize<DateTimeOffset>(second!.Value.Data));
        Assert.True(sentNext - sent >= TimeSpan.FromMilliseconds(250), $"two heartbeats of a 300 ms interval were sent {(sentNext - sent).TotalMilliseconds:0} ms apart");
        Assert.InRange(sent, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task StatusStream_CallThatCompletesAfterTheTickThatSawItStart_IsReported()
    {
        // Every service answers after 1.5 s, so each call is in flight over at least one status tick and then only
        // completes: the total moved at the start, and only the successes move at the end.
        await using var slow = new FakeService(TimeSpan.FromSeconds(1.5));
        // Attempt timeouts far above the 1.5 s, so that a cold gateway on a busy machine still answers live.
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(
            slow.Url, [.. ServiceNames.Stubs.Select(service => ($"CircuitBreaker__Services__{service}__AttemptTimeout", "00:00:10"))]));
        using var client = gateway.Client();
        using var stream = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path + "?status=true");

        using var answer = await client.GetAsync($"{Paths.UserDashboard}/42");
        Assert.Equal(new DashboardSources(FallbackReasons.Live, FallbackReasons.Live, FallbackReasons.Live), (await answer.Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!.Sources);

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var item = await PlainGateway.NextEventAsync(stream.Events) ?? throw new InvalidOperationException("The stream ended.");
            if (item.EventType == CircuitBreakerStream.Status &&
                JsonSerializer.Deserialize<BreakerSnapshotEvent>(item.Data, JsonSerializerOptions.Web)!.Breakers.Single(b => b.Name == ServiceNames.User) is { SuccessfulRequests: 1 })
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), "No status event reported the completed call within 5 s of its answer.");
        }
    }

    [Fact]
    public async Task Stream_AnInstanceEjected_ThenBackWhenDue_WithNoTraffic_EachPushedAsAnEndpointEvent()
    {
        // Three instances of payment-service: two that answer, one where nothing listens, ejected at its first failure
        // for one second. The stream must say so, then say it is back, with no call in between.
        await using var healthy = new FakeService(TimeSpan.Zero);
        var dead = PlainGateway.Nowhere();
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(
            healthy.Url,
            ($"services__{ServiceNames.Payment}__http__1", dead.ToString()),
            ($"services__{ServiceNames.Payment}__http__2", healthy.Url.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal)),
            ("CircuitBreaker__Services__payment-service__EjectionConsecutiveFailures", "1"),
            ("CircuitBreaker__Services__payment-service__BaseEjectionTime", "00:00:01"),
            ("CircuitBreaker__Services__payment-service__AttemptTimeout", "00:00:10")));
        using var client = gateway.Client();
        using var stream = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path);

        var ejected = await Eventually.UntilAsync(
            async () =>
            {
                var view = (await (await client.GetAsync($"{Paths.UserDashboard}/42")).Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!;
                Assert.Equal(FallbackReasons.Live, view.Sources.Payments); // a read that failed on it is retried on another
                return (await client.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers.Single(b => b.Name == ServiceNames.Payment);
            },
            breaker => breaker.Endpoints.Any(e => e.State == EndpointState.Ejected),
            "the dead instance to be ejected");
        var out_ = await NextEndpointEventAsync(stream.Events);
        var back = await NextEndpointEventAsync(stream.Events);
        var arrived = DateTimeOffset.UtcNow;

        Assert.Equal((ServiceNames.Payment, "payment-service-2", dead.GetLeftPart(UriPartial.Authority), EndpointState.Ejected, "1 consecutive failures"),
            (out_.Name, out_.Instance, out_.Address, out_.State, out_.Reason));
        Assert.Equal((out_.Address, EndpointState.Active, "ejection time over", out_.Sequence + 1), (back.Address, back.State, back.Reason, back.Sequence));
        Assert.Equal(out_.EjectedUntil, back.Time); // stamped with the moment it was due
        Assert.InRange(arrived - back.Time, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(3));
        Assert.Equal(EndpointState.Active, (await client.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers.Single(b => b.Name == ServiceNames.Payment).Endpoints[1].State);
        Assert.Single(ejected.Endpoints, e => e.State == EndpointState.Ejected);
    }

    private static async Task<BreakerEndpointEvent> NextEndpointEventAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        while (await PlainGateway.NextEventAsync(events) is { } item)
        {
            if (item.EventType == CircuitBreakerStream.Endpoint)
            {
                return JsonSerializer.Deserialize<BreakerEndpointEvent>(item.Data, JsonSerializerOptions.Web)!;
            }
        }

        throw new InvalidOperationException("The stream ended before an endpoint event.");
    }
}
