using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// The retry budget in the client pipeline (docs/pattern.md, "Overload: the retry budget and the concurrency limit"):
/// a retry the budget refuses is not sent, the call ends as its first attempt did, and the refusal is counted where a
/// person looks.
/// </summary>
public sealed class RetryBudgetPipelineTests
{
    [Fact]
    public async Task ARetryTheBudgetRefuses_IsNotSent_TheCallEndsAsItsFirstAttempt_AndTheRefusalIsCounted()
    {
        // Two retries a second over a one-second window, and no share of the requests: two retries, then none.
        var time = new FakeTimeProvider();
        using var pipeline = new ClientPipeline(time, new()
        {
            ["CircuitBreaker:Services:user-service:RetryBudgetPercent"] = "0",
            ["CircuitBreaker:Services:user-service:RetryBudgetWindow"] = "00:00:01",
            ["CircuitBreaker:Services:user-service:MinRetriesPerSecond"] = "2",
            ["CircuitBreaker:Services:user-service:FailureThreshold"] = "100",
        });
        using var refused = new MetricCollector<long>(
            pipeline.Services.GetRequiredService<IMeterFactory>(), CircuitBreakerTelemetry.MeterName, Telemetry.RetriesRefusedInstrument);

        for (var call = 0; call < 3; call++)
        {
            pipeline.Answer(HttpStatusCode.InternalServerError);
            pipeline.Answer(HttpStatusCode.OK); // the retry's answer, if one is sent
            await SendWithRetryDelay(pipeline, time);
        }

        // Calls 1 and 2: failed, retried, answered; call 3: failed, not retried.
        Assert.Equal(2 + 2 + 1, pipeline.Stub.Calls);
        var status = pipeline.Status("user-service");
        Assert.Equal(new RetryBudgetStatus(AllowedNow: 0, Refused: 1), status.Retries);
        var measurement = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal(("user-service", 1L), (measurement.Tags[CircuitBreakerTelemetry.NameTag], measurement.Value));

        // A second later the window has forgotten both retries.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, pipeline.Status("user-service").Retries.AllowedNow);
    }

    [Fact]
    public async Task EveryRequest_PaysIntoTheBudget_ARejectedOneDoesNot()
    {
        using var pipeline = new ClientPipeline(configuration: new()
        {
            ["CircuitBreaker:Services:user-service:RetryBudgetPercent"] = "50",
            ["CircuitBreaker:Services:user-service:MinRetriesPerSecond"] = "0",
        });

        for (var i = 0; i < 10; i++)
        {
            (await pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        }

        Assert.Equal(5, pipeline.Status("user-service").Retries.AllowedNow);

        pipeline.Breaker("user-service").Isolate();
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => pipeline.Client.GetAsync("http://user-service/users/1"));
        }

        Assert.Equal(5, pipeline.Status("user-service").Retries.AllowedNow);
    }

    // The retry waits its 50 ms (give or take a quarter) on the fake clock: moved until the call is done.
    private static async Task SendWithRetryDelay(ClientPipeline pipeline, FakeTimeProvider time)
    {
        var call = pipeline.Client.GetAsync("http://user-service/users/1");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(call, Task.Delay(1, deadline.Token));
        }

        await call;
    }
}
