using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The handler alone, driven through <see cref="HttpMessageInvoker"/> with a stub inner handler.</summary>
public class CircuitBreakerHandlerTests
{
    private readonly FakeTimeProvider _clock = new(TestBreakers.Start);
    private readonly CircuitBreakerRegistry _registry;
    private readonly CircuitBreakerTelemetry _telemetry;

    public CircuitBreakerHandlerTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Defaults:FailureThreshold"] = "2",
            ["CircuitBreaker:Defaults:OpenDuration"] = "00:00:05",
        }).Build();
        _registry = new CircuitBreakerRegistry(new CircuitBreakerOptionsResolver(configuration), _clock);
        _telemetry = new CircuitBreakerTelemetry(new TestMeterFactory(), _registry, NullLogger<CircuitBreakerTelemetry>.Instance);
    }

    [Fact]
    public async Task Open_NeverCallsInnerHandlerAndThrowsWithRetryAfter()
    {
        var inner = new StubHandler(HttpStatusCode.InternalServerError);
        using var invoker = Invoker(inner);
        await Send(invoker, HttpMethod.Get, "http://payment-service/payments/user/1");
        await Send(invoker, HttpMethod.Get, "http://payment-service/payments/user/1");
        _clock.Advance(TimeSpan.FromSeconds(2));

        var rejected = await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() =>
            Send(invoker, HttpMethod.Get, "http://payment-service/payments/user/1"));

        Assert.Equal(2, inner.Calls);
        Assert.Equal("payment-service", rejected.BreakerName);
        Assert.Equal(CircuitState.Open, rejected.State);
        Assert.Equal(TimeSpan.FromSeconds(3), rejected.RetryAfter);
        Assert.Contains("payment-service", rejected.Message);
    }

    [Fact]
    public async Task ReadsAndWrites_UseSeparateBreakers()
    {
        using var invoker = Invoker(new StubHandler(HttpStatusCode.InternalServerError));
        await Send(invoker, HttpMethod.Post, "http://payment-service/payments/user/1");
        await Send(invoker, HttpMethod.Put, "http://payment-service/payments/user/1");

        Assert.Equal(CircuitState.Open, _registry.Find("payment-service:write")!.State);
        Assert.Equal(CircuitState.Closed, _registry.Get("payment-service", isWrite: false).State);
        Assert.Equal(HttpStatusCode.InternalServerError, (await Send(invoker, HttpMethod.Get, "http://payment-service/x")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await Send(invoker, HttpMethod.Head, "http://payment-service/x")).StatusCode);
    }

    [Fact]
    public async Task TwoServices_NeverShareABreaker()
    {
        var inner = new StubHandler((request, _) => Task.FromResult(new HttpResponseMessage(
            request.RequestUri!.Host == "order-service" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        using var invoker = Invoker(inner);

        await Send(invoker, HttpMethod.Get, "http://order-service/orders/user/1");
        await Send(invoker, HttpMethod.Get, "http://order-service/orders/user/1");
        var user = await Send(invoker, HttpMethod.Get, "http://user-service/users/1");

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(CircuitState.Open, _registry.Find("order-service")!.State);
        Assert.Equal(CircuitState.Closed, _registry.Find("user-service")!.State);
        Assert.NotSame(_registry.Get("order-service", false), _registry.Get("user-service", false));
    }

    [Fact]
    public async Task NotFoundAndBadRequest_CountAsSuccesses()
    {
        var statuses = new Queue<HttpStatusCode>([HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.NotFound]);
        using var invoker = Invoker(new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage(statuses.Dequeue()))));

        for (var i = 0; i < 3; i++)
        {
            await Send(invoker, HttpMethod.Get, "http://user-service/users/x");
        }

        var status = _registry.Find("user-service")!.GetStatus();
        Assert.Equal((CircuitState.Closed, 3L, 0L), (status.State, status.SuccessfulRequests, status.FailedRequests));
    }

    [Fact]
    public async Task ConnectionFailure_CountsAsFailure()
    {
        using var invoker = Invoker(new StubHandler((_, _) => throw new HttpRequestException("Connection refused")));

        await Assert.ThrowsAsync<HttpRequestException>(() => Send(invoker, HttpMethod.Get, "http://user-service/users/1"));

        Assert.Equal(1, _registry.Find("user-service")!.GetStatus().FailedRequests);
    }

    [Fact]
    public async Task CallerCancellation_CountsAsNeitherAndReturnsTheProbeSlot()
    {
        var breaker = _registry.Get("user-service", isWrite: false);
        breaker.Isolate();
        breaker.Reset();
        breaker.Call(CallOutcome.Failure);
        breaker.Call(CallOutcome.Failure);
        _clock.Advance(TimeSpan.FromSeconds(5));
        using var caller = new CancellationTokenSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var invoker = Invoker(new StubHandler(async (_, token) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));

        var probe = Send(invoker, HttpMethod.Get, "http://user-service/users/1", caller.Token);
        await entered.Task;
        caller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.HalfOpen, status.State);
        Assert.Equal((2L, 0L), (status.FailedRequests, status.SuccessfulRequests));
        Assert.Equal((3L, 1L), (status.TotalRequests, status.CancelledRequests));
        Assert.Equal(CircuitDecision.Probe, breaker.TryAcquire().Decision);
    }

    [Fact]
    public async Task Bypass_NeitherPassesThroughNorCountsTowardsTheBreaker()
    {
        var inner = new StubHandler(HttpStatusCode.OK);
        using var invoker = Invoker(inner);
        _registry.Get("payment-service", isWrite: true).Isolate();
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://payment-service/failure-mode");
        request.Options.Set(CircuitBreakerHandler.BypassKey, true);

        var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, inner.Calls);
        Assert.Equal(0, _registry.Find("payment-service:write")!.GetStatus().TotalRequests);
    }

    private HttpMessageInvoker Invoker(HttpMessageHandler inner) =>
        new(new CircuitBreakerHandler(_registry, _telemetry) { InnerHandler = inner });

    private static async Task<HttpResponseMessage> Send(HttpMessageInvoker invoker, HttpMethod method, string uri, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, uri);
        return await invoker.SendAsync(request, cancellationToken);
    }
}
