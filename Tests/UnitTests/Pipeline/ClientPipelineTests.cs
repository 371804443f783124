using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>The whole client pipeline as ServiceDefaults builds it (read retry, breaker, attempt timeout, body), over a stub.</summary>
public sealed class ClientPipelineTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new();

    [Fact]
    public void EveryClient_HasTheExtensionsResilienceHandlerAlone_AndNoHttpClientTimeout()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, _pipeline.Client.Timeout);
        Assert.IsType<Microsoft.Extensions.Http.Resilience.ResilienceHandler>(Assert.Single(_pipeline.HandlersOfClient()));
    }

    [Theory]
    [InlineData("user-service", "read-retry,attempt,attempt-timeout,whole-response")]
    [InlineData("payment-service:write", "write-retry,attempt,attempt-timeout,whole-response")]
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
    public async Task Read_FailsOnce_IsRetriedOnceAndBothAttemptsCount()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        var response = await _pipeline.Client.GetAsync("http://user-service/users/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
        var status = _pipeline.Status("user-service");
        Assert.Equal((1L, 1L), (status.FailedRequests, status.SuccessfulRequests));
    }

    [Fact]
    public async Task Read_FailsTwice_IsRetriedOnlyOnce()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.OK);

        var response = await _pipeline.Client.GetAsync("http://order-service/orders/user/1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
    }

    [Fact]
    public async Task Write_FailsTwice_IsRetriedOnlyOnce_AndBothAttemptsCount()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.BadGateway);

        var response = await _pipeline.Client.SendAsync(Payment("key-1"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
        Assert.Equal(2, _pipeline.Status("payment-service:write").FailedRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Write_Answered4xx_IsNeverRetried(HttpStatusCode status)
    {
        _pipeline.Answer(status);

        var response = await _pipeline.Client.SendAsync(Payment("key-1"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, _pipeline.Stub.Calls);
    }

    [Fact]
    public async Task Write_WithoutAnIdempotencyKey_IsNeverRetried()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        var response = await _pipeline.Client.PostAsync("http://payment-service/payments/user/1", content: null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Equal(1, _pipeline.Status("payment-service:write").FailedRequests);
    }

    private static HttpRequestMessage Payment(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1");
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return request;
    }

    [Fact]
    public async Task Write_WithoutAnAnswer_IsRetriedOnce_WithTheSameKeyAndRequestId()
    {
        var sent = new List<(string Key, string RequestId)>();
        (string, string) Headers(HttpRequestMessage request) =>
            (request.Headers.GetValues(HeaderNames.IdempotencyKey).Single(), request.Headers.GetValues(HeaderNames.RequestId).Single());
        _pipeline.Answer((request, _) =>
        {
            sent.Add(Headers(request));
            return Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"));
        });
        _pipeline.Answer((request, _) =>
        {
            sent.Add(Headers(request));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
        });
        using var payment = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1");
        payment.Headers.Add(HeaderNames.IdempotencyKey, "key-1");
        payment.Headers.Add(HeaderNames.RequestId, "call-1");

        var response = await _pipeline.Client.SendAsync(payment);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([("key-1", "call-1"), ("key-1", "call-1")], sent);
    }

    [Fact]
    public async Task Open_RejectsWithRetryAfterWithoutCallingTheServiceAndIsNeverRetried()
    {
        var breaker = _pipeline.Breaker("payment-service");
        for (var i = 0; i < 5; i++)
        {
            breaker.Call(CallOutcome.Failure);
        }

        var rejected = await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => _pipeline.Client.GetAsync("http://payment-service/payments/user/1"));

        Assert.Equal(0, _pipeline.Stub.Calls);
        Assert.Equal(("payment-service", CircuitState.Open), (rejected.BreakerName, rejected.State));
        Assert.InRange(rejected.RetryAfter!.Value, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));
        Assert.Equal(1, breaker.GetStatus().RejectedRequests);
    }

    [Fact]
    public async Task ReadsAndWrites_UseSeparateBreakers_AndTwoServicesNeverShareOne()
    {
        for (var i = 0; i < 5; i++)
        {
            _pipeline.Answer(HttpStatusCode.ServiceUnavailable);
            await _pipeline.Client.PostAsync("http://payment-service/payments/user/1", content: null);
        }

        Assert.Equal(CircuitState.Open, _pipeline.Status("payment-service:write").State);
        Assert.Equal(HttpStatusCode.OK, (await _pipeline.Client.GetAsync("http://payment-service/payments/user/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _pipeline.Client.GetAsync("http://user-service/users/1")).StatusCode);
        Assert.Equal(CircuitState.Closed, _pipeline.Status("payment-service").State);
        Assert.Equal(CircuitState.Closed, _pipeline.Status("user-service").State);
    }

    [Fact]
    public async Task NotFoundAndBadRequest_CountAsSuccesses()
    {
        _pipeline.Answer(HttpStatusCode.NotFound);
        _pipeline.Answer(HttpStatusCode.BadRequest);

        await _pipeline.Client.GetAsync("http://user-service/users/x");
        await _pipeline.Client.GetAsync("http://user-service/users/x");

        var status = _pipeline.Status("user-service");
        Assert.Equal((2L, 0L), (status.SuccessfulRequests, status.FailedRequests));
    }

    [Fact]
    public async Task ConnectionFailure_CountsAsFailure()
    {
        _pipeline.Answer((_, _) => throw new HttpRequestException("Connection refused"));
        _pipeline.Answer((_, _) => throw new HttpRequestException("Connection refused"));

        await Assert.ThrowsAsync<HttpRequestException>(() => _pipeline.Client.GetAsync("http://user-service/users/1"));

        Assert.Equal(2, _pipeline.Status("user-service").FailedRequests);
    }

    [Fact]
    public async Task AttemptTimeout_CountsAsBreakerFailureAndIsNotRetried()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock);
        pipeline.AnswerNever();

        var call = pipeline.Client.GetAsync("http://payment-service/payments/user/1");
        await pipeline.StubEntered;
        clock.Advance(TimeSpan.FromSeconds(2.5)); // payment-service's AttemptTimeout in this configuration

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Equal(1, pipeline.Stub.Calls);
        var status = pipeline.Status("payment-service");
        Assert.Equal((1L, 1), (status.FailedRequests, status.FailureCount));
    }

    [Fact]
    public async Task CallerCancellation_IsCountedApartAndGivesTheProbeSlotBack()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock, new() { ["CircuitBreaker:Defaults:FailureThreshold"] = "1" });
        var probeBreaker = pipeline.Breaker("user-service");
        probeBreaker.Call(CallOutcome.Failure);
        clock.Advance(probeBreaker.Options.OpenDuration);
        using var caller = new CancellationTokenSource();
        pipeline.AnswerNever();

        var probe = pipeline.Client.GetAsync("http://user-service/users/1", caller.Token);
        await pipeline.StubEntered;
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);

        var status = probeBreaker.GetStatus();
        Assert.Equal((CircuitState.HalfOpen, 1L, 1L, 0L), (status.State, status.CancelledRequests, status.FailedRequests, status.SuccessfulRequests));
        Assert.Equal(CircuitDecision.Probe, probeBreaker.TryAcquire().Decision);
    }

    [Fact]
    public async Task Bypassed_ControlPlaneCall_PassesAnOpenCircuitCountsNothingAndCreatesNoBreaker()
    {
        _pipeline.Breaker("payment-service").Isolate();
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://payment-service/failure-mode");
        CircuitBreakerRoute.Bypass(request);

        var response = await _pipeline.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Null(_pipeline.Registry.Find("payment-service:write")); // no phantom breaker
        Assert.DoesNotContain(_pipeline.Registry.All, b => b.Name == "payment-service:write");
        Assert.Equal(0, _pipeline.Status("payment-service").SuccessfulRequests);
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
    public async Task Bypassed_ControlPlaneCall_StillHasTheAttemptTimeout()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock);
        pipeline.AnswerNever();
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://payment-service/failure-mode");
        CircuitBreakerRoute.Bypass(request);

        var call = pipeline.Client.SendAsync(request);
        await pipeline.StubEntered;
        clock.Advance(TimeSpan.FromSeconds(2.5));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Null(pipeline.Registry.Find("payment-service:write"));
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

    [Fact]
    public async Task SubscriberThrowsOnTheClosingProbe_TheCallerStillGetsItsResponse()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock, new() { ["CircuitBreaker:Defaults:FailureThreshold"] = "1", ["CircuitBreaker:Defaults:SuccessThreshold"] = "1" });
        var breaker = pipeline.Breaker("user-service");
        breaker.StateChanged += (_, _) => throw new InvalidOperationException("the logger is down");
        breaker.Call(CallOutcome.Failure);
        clock.Advance(breaker.Options.OpenDuration);

        var response = await pipeline.Client.GetAsync("http://user-service/users/1"); // the probe that closes it

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(0, breaker.GetStatus().InFlightRequests);
    }

    [Fact]
    public async Task Disabled_CallsPassStraightThroughButAreStillTimedOut()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock, new() { ["CircuitBreaker:Enabled"] = "false" });
        pipeline.Breaker("payment-service").Isolate(); // would reject everything if it were in the path
        pipeline.AnswerNever();

        var call = pipeline.Client.GetAsync("http://payment-service/payments/user/1");
        await pipeline.StubEntered;
        clock.Advance(TimeSpan.FromSeconds(2.5));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Equal(1, pipeline.Stub.Calls);
    }

    public void Dispose() => _pipeline.Dispose();
}
