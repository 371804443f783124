using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.UnitTests.Pipeline;

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
        var catalog = new Catalog(HttpStatusCode.ServiceUnavailable, (pipeline, context) => pipeline
            .AddConcurrencyLimiter(100)
            .AddTimeout(TimeSpan.FromSeconds(30))
            .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.Zero })
            .AddCircuitDemoBreaker(context.ServiceProvider)
            .AddTimeout(TimeSpan.FromSeconds(5)));
        await using var provider = catalog.Provider;

        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => catalog.Client.GetAsync("http://catalog/items"));

        var breaker = catalog.Registry.Find("catalog")!.Breaker;
        Assert.Equal(3, catalog.Calls); // three failed attempts opened it; the third retry was rejected without a call, and not retried
        Assert.Equal((CircuitState.Open, 3L, 1L), (breaker.State, breaker.GetStatus().FailedRequests, breaker.GetStatus().RejectedRequests));
    }

    [Fact]
    public async Task InAnotherPipeline_ABypassedControlPlaneCallPassesAnIsolatedCircuit_CountsNothing_CreatesNoBreaker()
    {
        var catalog = new Catalog(HttpStatusCode.OK, (pipeline, context) => pipeline.AddCircuitDemoBreaker(context.ServiceProvider));
        await using var provider = catalog.Provider;
        var reads = catalog.Registry.Guard(new("catalog", IsWrite: false)).Breaker;
        reads.Isolate();
        using var read = new HttpRequestMessage(HttpMethod.Get, "http://catalog/failure-mode");
        using var write = new HttpRequestMessage(HttpMethod.Put, "http://catalog/failure-mode");
        CircuitBreakerRoute.Bypass(read);
        CircuitBreakerRoute.Bypass(write);

        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => catalog.Client.GetAsync("http://catalog/items"));
        var answers = new[] { await catalog.Client.SendAsync(read), await catalog.Client.SendAsync(write) };

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(2, catalog.Calls);
        Assert.Equal((1L, 1L, 0L), (reads.GetStatus().TotalRequests, reads.GetStatus().RejectedRequests, reads.GetStatus().SuccessfulRequests));
        Assert.Null(catalog.Registry.Find("catalog:write")); // no phantom breaker for the control plane's PUT
    }

    [Fact]
    public async Task InAnotherPipeline_AHostNoBreakerIsDeclaredFor_PassesStraightThrough_AndCreatesNoBreaker()
    {
        var catalog = new Catalog(HttpStatusCode.ServiceUnavailable, (pipeline, context) => pipeline.AddCircuitDemoBreaker(context.ServiceProvider));
        await using var provider = catalog.Provider;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await catalog.Client.GetAsync($"http://elsewhere-{i}.example/items")).StatusCode);
        }

        Assert.Equal(5, catalog.Calls);
        Assert.DoesNotContain(catalog.Registry.All, b => b.Name.StartsWith("elsewhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClassifierThrows_TheProbeIsCompletedAsAFailure_AndTheNextHalfOpenAdmitsAProbe()
    {
        var (breaker, clock) = TestBreakers.Create(TestBreakers.Options);
        var pipeline = new ResiliencePipelineBuilder<string?>()
            .AddCircuitDemoBreaker(breaker, isFailure: result => result!.Length == 0) // throws on a null result
            .Build();
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var failedBefore = breaker.GetStatus().FailedRequests;

        await Assert.ThrowsAsync<NullReferenceException>(() => pipeline.ExecuteAsync(_ => ValueTask.FromResult<string?>(null)).AsTask());

        Assert.Equal(CircuitState.Open, breaker.State); // a probe whose outcome cannot be judged is a failed probe
        Assert.Equal((failedBefore + 1, 0L), (breaker.GetStatus().FailedRequests, breaker.GetStatus().InFlightRequests));
        clock.Advance(TestBreakers.Options.OpenDuration);
        Assert.Equal("ok", await pipeline.ExecuteAsync(_ => ValueTask.FromResult<string?>("ok")));
    }

    // An HttpClient "catalog" whose stub answers every call with one status, with a resilience handler of the caller's making.
    private sealed class Catalog
    {
        public Catalog(HttpStatusCode status, Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> pipeline)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CircuitBreaker:Services:catalog:FailureThreshold"] = "3",
            }).Build());
            services.AddCircuitBreakerRegistry();
            services.AddHttpClient("catalog")
                .ConfigurePrimaryHttpMessageHandler(() => new StubHandler((_, _) =>
                {
                    Calls++;
                    return Task.FromResult(new HttpResponseMessage(status));
                }))
                .AddResilienceHandler("catalog", pipeline);
            Provider = services.BuildServiceProvider();
        }

        public ServiceProvider Provider { get; }

        public int Calls { get; private set; }

        public HttpClient Client => Provider.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

        public CircuitBreakerRegistry Registry => Provider.GetRequiredService<CircuitBreakerRegistry>();
    }
}
