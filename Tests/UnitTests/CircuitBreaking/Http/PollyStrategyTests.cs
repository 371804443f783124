using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.HttpClients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The hand-written breaker inside Polly pipelines other than ServiceDefaults' own.</summary>
public class PollyStrategyTests
{
    [Fact]
    public async Task PlainPipeline_BreakerOpensOnFailuresAndRejectsWithoutRunningTheCallback()
    {
        var (breaker, _) = TestBreakers.Create(new CircuitBreakerOptions { FailureThreshold = 2 });
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddCircuitDemoBreaker(breaker, isFailure: result => result < 0)
            .AddTimeout(TimeSpan.FromSeconds(1))
            .Build();
        var runs = 0;

        await pipeline.ExecuteAsync(_ => ValueTask.FromResult(++runs * -1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync<int>(_ => { runs++; throw new InvalidOperationException(); }).AsTask());
        var rejected = await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => pipeline.ExecuteAsync(_ => ValueTask.FromResult(++runs)).AsTask());

        Assert.Equal(2, runs);
        Assert.Equal(CircuitState.Open, rejected.State);
        Assert.Equal((2L, 1L), (breaker.GetStatus().FailedRequests, breaker.GetStatus().RejectedRequests));
    }

    [Fact]
    public async Task BesideTheStandardHandlersStrategies_OurBreakerTakesThePlaceOfPollys()
    {
        // The standard handler's composition (rate limiter, total timeout, retry, breaker, attempt timeout) with the
        // hand-written breaker in the breaker's place: what the README shows.
        var calls = 0;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Services:catalog:FailureThreshold"] = "3",
        }).Build());
        services.AddCircuitBreakerRegistry();
        var catalog = services.AddHttpClient("catalog").ConfigurePrimaryHttpMessageHandler(() => new StubHandler((_, _) =>
        {
            calls++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }));
        catalog.AddResilienceHandler("catalog", (pipeline, context) => pipeline
            .AddConcurrencyLimiter(100)
            .AddTimeout(TimeSpan.FromSeconds(30))
            .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.Zero })
            .AddCircuitDemoBreaker(context.ServiceProvider)
            .AddTimeout(TimeSpan.FromSeconds(5)));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => client.GetAsync("http://catalog/items"));

        var breaker = provider.GetRequiredService<CircuitBreakerRegistry>().Find("catalog")!;
        Assert.Equal(3, calls); // three failed attempts opened it; the third retry was rejected without a call, and not retried
        Assert.Equal((CircuitState.Open, 3L, 1L), (breaker.State, breaker.GetStatus().FailedRequests, breaker.GetStatus().RejectedRequests));
    }
}
