using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The whole client pipeline as ServiceDefaults builds it: read retry, breaker, attempt timeout, over a stub.</summary>
public sealed class ClientPipelineTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly StubHandler _stub;
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly TaskCompletionSource _stubEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClientPipelineTests() : this(TimeProvider.System)
    {
    }

    private ClientPipelineTests(TimeProvider time)
    {
        _stub = new StubHandler((_, token) =>
        {
            _stubEntered.TrySetResult();
            return _script.Count > 0 ? _script.Dequeue()(token) : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        });
        _services = Build(time, _stub);
    }

    private CircuitBreakerRegistry Registry => _services.GetRequiredService<CircuitBreakerRegistry>();

    [Fact]
    public async Task Read_FailsOnce_IsRetriedOnceAndBothAttemptsCount()
    {
        Answer(HttpStatusCode.InternalServerError);

        var response = await Client().GetAsync("http://user-service/users/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _stub.Calls);
        var status = Registry.Find("user-service")!.GetStatus();
        Assert.Equal((1L, 1L), (status.FailedRequests, status.SuccessfulRequests));
    }

    [Fact]
    public async Task Read_FailsTwice_IsRetriedOnlyOnce()
    {
        Answer(HttpStatusCode.InternalServerError);
        Answer(HttpStatusCode.InternalServerError);
        Answer(HttpStatusCode.OK);

        var response = await Client().GetAsync("http://order-service/orders/user/1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(2, _stub.Calls);
    }

    [Fact]
    public async Task Write_Fails_IsNeverRetried()
    {
        Answer(HttpStatusCode.InternalServerError);

        var response = await Client().PostAsync("http://payment-service/payments/user/1", content: null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, _stub.Calls);
    }

    [Fact]
    public async Task Rejection_IsNeverRetried()
    {
        Registry.Get("user-service", isWrite: false).Isolate();

        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => Client().GetAsync("http://user-service/users/1"));

        Assert.Equal(0, _stub.Calls);
        Assert.Equal(1, Registry.Find("user-service")!.GetStatus().RejectedRequests);
    }

    [Fact]
    public async Task AttemptTimeout_CountsAsBreakerFailureAndIsNotRetried()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipelineTests(clock);
        pipeline._script.Enqueue(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        var call = pipeline.Client().GetAsync("http://payment-service/payments/user/1");
        await pipeline._stubEntered.Task;
        clock.Advance(TimeSpan.FromSeconds(2.5)); // payment-service's AttemptTimeout in this configuration

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Equal(1, pipeline._stub.Calls);
        var status = pipeline.Registry.Find("payment-service")!.GetStatus();
        Assert.Equal((1L, 1), (status.FailedRequests, status.FailureCount));
    }

    [Fact]
    public async Task Disabled_CallsPassStraightThrough()
    {
        using var services = Build(TimeProvider.System, _stub, new() { ["CircuitBreaker:Enabled"] = "false" });
        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("test");
        registry.Get("user-service", isWrite: false).Isolate(); // would reject everything if it were in the path

        var response = await client.GetAsync("http://user-service/users/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _stub.Calls);
    }

    public void Dispose() => _services.Dispose();

    private static ServiceProvider Build(TimeProvider time, StubHandler stub, Dictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["CircuitBreaker:Defaults:FailureThreshold"] = "5",
            ["CircuitBreaker:Services:payment-service:AttemptTimeout"] = "00:00:02.5",
        };
        foreach (var (key, value) in extra ?? [])
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton(time);
        services.AddCircuitBreakerRegistry();
        services.AddHttpClient("test").AddCircuitBreaker().ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider();
    }

    private HttpClient Client() => _services.GetRequiredService<IHttpClientFactory>().CreateClient("test");

    private void Answer(HttpStatusCode status) => _script.Enqueue(_ => Task.FromResult(new HttpResponseMessage(status)));
}
