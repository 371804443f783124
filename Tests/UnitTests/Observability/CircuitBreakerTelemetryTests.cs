using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Observability;

/// <summary>An ActivityListener sees every test's spans: these run alone.</summary>
[CollectionDefinition(nameof(CircuitBreakerTelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>What the dashboard is fed: the meter's instruments and the spans, through the real client pipeline.</summary>
[Collection(nameof(CircuitBreakerTelemetryTests))]
public sealed class CircuitBreakerTelemetryTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new(configuration: new()
    {
        ["CircuitBreaker:Services:user-service:FailureThreshold"] = "2",
        ["CircuitBreaker:Services:payment-service:Write:AttemptTimeout"] = "00:00:05",
    });

    private readonly SpanCollector _spans = new(CircuitBreakerTelemetry.MeterName, "test.http");

    public CircuitBreakerTelemetryTests()
    {
        _ = _pipeline.Registry; // in a host, created with the meter provider at start
    }

    [Fact]
    public async Task StateGauge_ReportsEveryConfiguredBreakerFromStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:order-service:FailureThreshold"] = "2";
        builder.AddServiceDefaults().AddCircuitBreakers(BreakerNames.Gateway);
        using var host = builder.Build();
        using var gauge = new MetricCollector<int>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CircuitBreakerTelemetry.MeterName, "circuit_breaker.state");

        await host.StartAsync();
        gauge.RecordObservableInstruments();
        await host.StopAsync();

        var values = gauge.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[CircuitBreakerTelemetry.NameTag]!, m => m.Value);
        Assert.Equal(new Dictionary<string, int> { ["order-service"] = 0, ["payment-service"] = 0, ["payment-service:write"] = 0, ["user-service"] = 0 }, values);
    }

    [Fact]
    public async Task TransitionsAndCalls_AreCountedWithTheirTags()
    {
        var meters = _pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var transitions = new MetricCollector<long>(meters, CircuitBreakerTelemetry.MeterName, "circuit_breaker.transitions");
        using var calls = new MetricCollector<long>(meters, CircuitBreakerTelemetry.MeterName, "circuit_breaker.calls");
        _pipeline.Answer(HttpStatusCode.ServiceUnavailable);
        _pipeline.Answer(HttpStatusCode.ServiceUnavailable);

        await _pipeline.Client.GetAsync("http://user-service/users/1"); // two failed attempts: opens
        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => _pipeline.Client.GetAsync("http://user-service/users/1"));

        var transition = Assert.Single(transitions.GetMeasurementSnapshot());
        Assert.Equal(("user-service", "Closed", "Open"), ((string)transition.Tags["circuit_breaker.name"]!, (string)transition.Tags["circuit_breaker.from"]!, (string)transition.Tags["circuit_breaker.to"]!));
        Assert.Equal(["failure", "failure", "rejected"], calls.GetMeasurementSnapshot().Select(m => (string)m.Tags["circuit_breaker.outcome"]!));
    }

    [Fact]
    public async Task SlowCallRule_TagsEveryCompletedCallSlowOrNot()
    {
        var clock = new FakeTimeProvider();
        using var pipeline = new ClientPipeline(clock, new() { ["CircuitBreaker:Services:user-service:SlowCallDuration"] = "00:00:00.050" });
        using var calls = new MetricCollector<long>(pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CircuitBreakerTelemetry.MeterName, "circuit_breaker.calls");
        pipeline.Answer((_, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(100)); // the service takes 100 ms on the breaker's clock
            return Task.FromResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        });

        await pipeline.Client.GetAsync("http://user-service/users/1");
        await pipeline.Client.GetAsync("http://user-service/users/1"); // answered at once

        Assert.Equal([("success", true), ("success", false)], calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags["circuit_breaker.outcome"]!, (bool)m.Tags["circuit_breaker.slow"]!)));
        Assert.Equal((1, 2), (pipeline.Status("user-service").SlowCalls, pipeline.Status("user-service").SlowCallWindowCalls));
    }

    [Fact]
    public async Task CallOverTheConcurrencyLimit_LeavesARejectedSpanSayingLimit_AndIsCountedAsARejection()
    {
        using var pipeline = new ClientPipeline(configuration: new() { ["CircuitBreaker:Services:user-service:MaxConcurrentCalls"] = "1" });
        using var calls = new MetricCollector<long>(pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CircuitBreakerTelemetry.MeterName, "circuit_breaker.calls");
        var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Answer((_, _) => answer.Task);
        var first = pipeline.Client.GetAsync("http://user-service/users/1");
        await pipeline.StubEntered;

        await Assert.ThrowsAsync<Polly.RateLimiting.RateLimiterRejectedException>(() => pipeline.Client.GetAsync("http://user-service/users/1"));
        answer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        await first;

        var rejected = Assert.Single(Spans("circuit_breaker user-service"), s => Tag(s, "circuit_breaker.decision") == "rejected");
        Assert.Equal((ActivityStatusCode.Error, "limit"), (rejected.Status, Tag(rejected, "circuit_breaker.rejected_by")));
        var measured = calls.GetMeasurementSnapshot().Select(m => ((string)m.Tags["circuit_breaker.outcome"]!, m.Tags.GetValueOrDefault("circuit_breaker.rejected_by") as string));
        Assert.Equal([("rejected", "limit"), ("success", null)], measured);
    }

    [Fact]
    public async Task RejectedCall_LeavesAnErrorSpanWithTheDecisionAndNoHttpCall()
    {
        _pipeline.Breaker("payment-service").Isolate();

        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => _pipeline.Client.GetAsync("http://payment-service/payments/user/1"));

        var span = Assert.Single(Spans("circuit_breaker payment-service"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(("payment-service", "Isolated", "rejected", "circuit"), (Tag(span, "circuit_breaker.name"), Tag(span, "circuit_breaker.state"), Tag(span, "circuit_breaker.decision"), Tag(span, "circuit_breaker.rejected_by")));
        Assert.Equal(0, _pipeline.Stub.Calls);
    }

    [Fact]
    public async Task AdmittedCallThatFails_LeavesAnErrorSpan_ASuccessDoesNot()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        await _pipeline.Client.PostAsync("http://payment-service/payments/user/1", content: null);
        await _pipeline.Client.PostAsync("http://payment-service/payments/user/1", content: null);

        var spans = Spans("circuit_breaker payment-service:write");
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], spans.Select(s => s.Status));
        Assert.Equal(["failure", "success"], spans.Select(s => Tag(s, "circuit_breaker.outcome")));
        Assert.All(spans, s => Assert.Equal("allowed", Tag(s, "circuit_breaker.decision")));
    }

    [Fact]
    public void HttpClientSpan_UnderABreakerSpan_GetsTheBreakersTags()
    {
        using var source = new ActivitySource("test.http");
        using var breakerSpan = _pipeline.Services.GetRequiredService<CircuitBreakerTelemetry>().StartCall("order-service")!;
        breakerSpan.SetTag(CircuitBreakerTelemetry.StateTag, "HalfOpen").SetTag(CircuitBreakerTelemetry.DecisionTag, "probe");
        using var httpSpan = source.StartActivity("GET")!;

        CircuitBreakerInstrumentation.EnrichHttpClientSpan(httpSpan, new HttpRequestMessage());

        Assert.Equal(("order-service", "HalfOpen", "probe"), (Tag(httpSpan, "circuit_breaker.name"), Tag(httpSpan, "circuit_breaker.state"), Tag(httpSpan, "circuit_breaker.decision")));
    }

    [Fact]
    public async Task RetryAndAttemptTimeout_AreCountedOnPollysOwnMeter_AsPollysOwnStrategiesWouldCountThem()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock);
        using var events = new MetricCollector<int>(meterScope: null, "Polly", "resilience.polly.strategy.events");

        pipeline.Answer(HttpStatusCode.InternalServerError);
        var retried = pipeline.Client.GetAsync("http://user-service/users/1");
        await pipeline.StubEntered;
        clock.Advance(TimeSpan.FromMilliseconds(100)); // the retry's delay
        (await retried.WaitAsync(TimeSpan.FromSeconds(10))).EnsureSuccessStatusCode();

        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Answer(async (_, token) =>
        {
            waiting.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var timedOut = pipeline.Client.GetAsync("http://payment-service/payments/user/1");
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(2.5)); // payment-service's attempt timeout in this configuration
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => timedOut.WaitAsync(TimeSpan.FromSeconds(10)));

        var counted = events.GetMeasurementSnapshot()
            .Where(m => m.Tags["event.name"] is "OnRetry" or "OnTimeout") // beside Polly's record of every attempt
            .Select(m => (m.Tags["event.name"], m.Tags["event.severity"], m.Tags["pipeline.name"], m.Tags["pipeline.instance"], m.Tags["strategy.name"]))
            .ToList();
        Assert.Equal(
            [
                ("OnRetry", "Warning", $"test-{CircuitBreakingExtensions.PipelineName}", "user-service", "read-retry"),
                ("OnTimeout", "Error", $"test-{CircuitBreakingExtensions.PipelineName}", "payment-service", "attempt-timeout"),
            ],
            counted);
    }

    public void Dispose()
    {
        _spans.Dispose();
        _pipeline.Dispose();
    }

    private List<Activity> Spans(string name) => [.. _spans.Ended().Where(s => s.DisplayName == name)];

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) as string;
}
