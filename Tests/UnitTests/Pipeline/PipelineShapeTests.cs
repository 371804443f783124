using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// The pipeline every client gets: its one handler, the strategies of each key in order, and the keys themselves.
/// </summary>
public sealed class PipelineShapeTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new();

    [Fact]
    public void EveryClient_HasTheExtensionsResilienceHandlerAlone_AndNoHttpClientTimeout()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, _pipeline.Client.Timeout);
        Assert.IsType<Microsoft.Extensions.Http.Resilience.ResilienceHandler>(Assert.Single(_pipeline.HandlersOfClient()));
    }

    [Theory]
    [InlineData("user-service", "read-retry,concurrency-limit,attempt,attempt-timeout,whole-response")]
    [InlineData("payment-service:write", "write-retry,concurrency-limit,attempt,attempt-timeout,whole-response")]
    [InlineData("user-service/control-plane", "read-retry,attempt,attempt-timeout,whole-response")]
    [InlineData("unguarded", "attempt")]
    public void EachKeysPipeline_HasItsStrategiesInOrder_TheWholeBodyReadOnceInsideTheTimeout(string key, string strategies)
    {
        var builder = new Polly.ResiliencePipelineBuilder<HttpResponseMessage>();
        CircuitBreakerPipeline.Build(builder, key, _pipeline.Services);

        var descriptor = Polly.Testing.ResiliencePipelineExtensions.GetPipelineDescriptor(builder.Build());

        Assert.Equal(strategies, string.Join(",", descriptor.Strategies.Select(s => s.Options?.Name)));
    }

    [Fact]
    public async Task CallsToHostsNoBreakerGuards_AreSent_AndNoneOfThemIsKept()
    {
        var instances = _pipeline.Services.GetRequiredService<ServiceInstances>();
        var kept = instances.Remembered;

        for (var i = 0; i < 20; i++)
        {
            (await _pipeline.Client.GetAsync($"http://host-{i}.example/anything")).EnsureSuccessStatusCode();
        }

        Assert.Equal(20, _pipeline.Stub.Calls);
        Assert.Equal(kept, instances.Remembered);
    }

    [Fact]
    public void Keys_NameTheBreaker_MarkAControlPlaneCall_AndLeaveAHostNoBreakerGuardsUnguarded()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1");
        using var write = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1");
        using var bypassed = new HttpRequestMessage(HttpMethod.Put, "http://payment-service/failure-mode");
        CircuitBreakerRoute.Bypass(bypassed);
        using var other = new HttpRequestMessage(HttpMethod.Get, "http://localhost:4317/v1/traces");

        Assert.Equal(
            ["user-service", "payment-service:write", "payment-service:write/control-plane", "unguarded"],
            new[] { read, write, bypassed, other }.Select(request => CircuitBreakerPipeline.KeyOf(request, _pipeline.Registry)));
    }

    [Fact]
    public async Task UndeclaredHost_GetsNothingOfOurs_NoBreakerNoTimeoutNoBodyLimit()
    {
        // As OpenTelemetry's exporter posting to its collector: a host this process declared no breaker for.
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock);
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        pipeline.Answer((_, _) => answer.Task);
        var breakersBefore = pipeline.Registry.All.Count;

        var call = pipeline.Client.PostAsync("http://localhost:4318/v1/traces", new StringContent("{}"));
        await pipeline.StubEntered;
        clock.Advance(TimeSpan.FromMinutes(1)); // far past any attempt timeout of ours
        answer.SetResult(ClientPipeline.Json(new string('x', 2 * 1024 * 1024))); // over the 1 MiB limit of ours

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal(breakersBefore, pipeline.Registry.All.Count);
        Assert.Null(pipeline.Registry.Find("localhost:write"));
    }

    [Fact]
    public void SynchronousSend_GoesThroughTheBreaker()
    {
        using (var first = new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1"))
        {
            Assert.Equal(HttpStatusCode.OK, _pipeline.Client.Send(first).StatusCode);
        }

        _pipeline.Breaker("user-service").Isolate();
        using var second = new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1");

        Assert.Throws<CircuitBreakerRejectedException>(() => _pipeline.Client.Send(second));
        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Equal((1L, 1L), (_pipeline.Status("user-service").SuccessfulRequests, _pipeline.Status("user-service").RejectedRequests));
    }

    public void Dispose() => _pipeline.Dispose();
}
