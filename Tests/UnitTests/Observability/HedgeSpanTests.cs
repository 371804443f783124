using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Observability;

/// <summary>A hedge in a trace: its own span under the call's, marked with its delay, the hedge's attempt under it.</summary>
[Collection(nameof(CircuitBreakerTelemetryTests))]
public sealed class HedgeSpanTests : IDisposable
{
    private readonly SpanCollector _spans = new(CircuitBreakerTelemetry.MeterName, "test.call");

    [Fact]
    public async Task TheHedge_IsASpanOfItsOwnUnderTheCall_MarkedWithItsDelay_ItsAttemptUnderIt()
    {
        var time = new FakeTimeProvider();
        using var pipeline = new ClientPipeline(time, new()
        {
            ["services:user-service:http:0"] = "http://localhost:3001",
            ["services:user-service:http:1"] = "http://localhost:3011",
            ["CircuitBreaker:Services:user-service:HedgeDelay"] = "00:00:00.100",
        });
        var firstEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Answer(async (_, token) =>
        {
            firstEntered.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using var source = new ActivitySource("test.call");
        Activity? call;
        Task<HttpResponseMessage> read;
        using (call = source.StartActivity("dashboard"))
        {
            read = pipeline.Client.GetAsync("http://user-service/users/1");
        }

        await firstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(100));
        (await read.WaitAsync(TimeSpan.FromSeconds(10))).EnsureSuccessStatusCode();
        await Wait.Until(() => Spans().Count(s => s.OperationName == "circuit_breaker user-service") == 2);

        var hedge = Assert.Single(Spans(), s => s.OperationName == "hedge user-service");
        Assert.Equal(call!.SpanId, hedge.ParentSpanId);
        Assert.Equal(100.0, hedge.GetTagItem(CircuitBreakerTelemetry.HedgeTag));
        var attempts = Spans().Where(s => s.OperationName == "circuit_breaker user-service").ToList();
        Assert.Equal(new HashSet<ActivitySpanId> { call.SpanId, hedge.SpanId }, attempts.Select(a => a.ParentSpanId).ToHashSet());
        Assert.Null(hedge.GetTagItem(CircuitBreakerTelemetry.HedgeLostTag)); // it won
    }

    public void Dispose() => _spans.Dispose();

    private List<Activity> Spans() => _spans.Ended();
}
