using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.Benchmarks;

/// <summary>
/// One GET through an HttpClient over a stub handler that answers at once (no network): no handler at all; the
/// pipeline ServiceDefaults puts on every client (one resilience handler: read retry, breaker, attempt timeout, body,
/// and the endpoint choice over service discovery), with its hedged reads (<c>auto</c>: a service with no tail, whose
/// reads skip Polly's hedging; and armed, by a fixed delay never reached) and without them; our breaker strategy alone
/// in a resilience handler; the standard resilience handler with service discovery's handler, as Aspire's template gives
/// every client; and the standard hedging handler, the library's own hedged reads, for what hedging costs there.
/// </summary>
[MemoryDiagnoser]
public class HttpClientPipelineBenchmarks
{
    private static readonly Uri Target = new("http://user-service/users/42");
    private static readonly Uri UnhedgedTarget = new("http://order-service/orders/42");
    private static readonly Uri ArmedTarget = new("http://payment-service/payments/user/42");
    private ServiceProvider _services = null!;
    private HttpClient _bare = null!;
    private HttpClient _ours = null!;
    private HttpClient _breakerOnly = null!;
    private HttpClient _standard = null!;
    private HttpClient _standardHedging = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // user-service is one the process guards (only declared or configured services get breakers).
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Services:user-service:Enabled"] = "true",
            ["CircuitBreaker:Services:order-service:Enabled"] = "true",
            ["CircuitBreaker:Services:payment-service:Enabled"] = "true",
            // Two instances each: a read of a service with one is never hedged, and the hedged row is about one that can be.
            ["services:user-service:http:0"] = "http://localhost:3001",
            ["services:user-service:http:1"] = "http://localhost:3011",
            ["services:order-service:http:0"] = "http://localhost:3002",
            ["services:order-service:http:1"] = "http://localhost:3012",
            ["services:payment-service:http:0"] = "http://localhost:3003",
            ["services:payment-service:http:1"] = "http://localhost:3013",
            ["CircuitBreaker:Services:order-service:HedgeDelay"] = "0", // the same pipeline, without hedged reads
            ["CircuitBreaker:Services:payment-service:HedgeDelay"] = "00:00:01", // always armed, never due here
        }).Build());
        services.AddServiceDiscovery();
        services.AddHttpClient("ours").AddCircuitBreakerPipeline().ConfigurePrimaryHttpMessageHandler(() => new InstantHandler());
        // What a user would pick instead is Aspire's own ServiceDefaults: the standard handler with service discovery's.
        // Ours resolves through service discovery too (and chooses the instance itself), so both have it.
        services.AddHttpClient("standard").AddStandardResilienceHandler().Services
            .AddHttpClient("standard").AddServiceDiscovery().ConfigurePrimaryHttpMessageHandler(() => new InstantHandler());
        services.AddHttpClient("standard-hedging").AddStandardHedgingHandler().Services
            .AddHttpClient("standard-hedging").AddServiceDiscovery().ConfigurePrimaryHttpMessageHandler(() => new InstantHandler());
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _bare = new HttpClient(new InstantHandler());
        _ours = factory.CreateClient("ours");
        _standard = factory.CreateClient("standard");
        _standardHedging = factory.CreateClient("standard-hedging");
#pragma warning disable EXTEXP0001 // the resilience handler ServiceDefaults uses, over a pipeline holding the breaker alone
        var breakerOnly = new ResiliencePipelineBuilder<HttpResponseMessage>().AddCircuitDemoBreaker(_services).Build();
        _breakerOnly = new HttpClient(new ResilienceHandler(breakerOnly)
        {
            InnerHandler = new InstantHandler(),
        });
#pragma warning restore EXTEXP0001
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _breakerOnly.Dispose();
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> NoHandler() => _bare.GetAsync(Target);

    [Benchmark]
    public Task<HttpResponseMessage> ServiceDefaultsPipeline() => _ours.GetAsync(Target);

    /// <summary>The same pipeline for a service whose reads all go through Polly's hedging (a fixed <c>HedgeDelay</c>).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> ServiceDefaultsPipelineHedgingArmed() => _ours.GetAsync(ArmedTarget);

    /// <summary>The same pipeline for a service whose reads are not hedged (<c>HedgeDelay</c> 0).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> ServiceDefaultsPipelineWithoutHedging() => _ours.GetAsync(UnhedgedTarget);

    /// <summary>Our breaker strategy alone in a resilience handler: the handler's and the breaker's own share of the cost.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> BreakerStrategyOnly() => _breakerOnly.GetAsync(Target);

    [Benchmark]
    public Task<HttpResponseMessage> StandardResilienceHandler() => _standard.GetAsync(Target);

    [Benchmark]
    public Task<HttpResponseMessage> StandardHedgingHandler() => _standardHedging.GetAsync(Target);

    private sealed class InstantHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
