using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// The breaker as the pipeline drives it: what counts as a failure, a rejection, a cancellation, a bypassed or disabled call.
/// </summary>
public sealed class BreakerThroughThePipelineTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new();

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
