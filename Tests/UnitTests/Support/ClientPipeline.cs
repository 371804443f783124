using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace CircuitDemo.UnitTests.Support;

/// <summary>
/// An HttpClient with exactly the pipeline ServiceDefaults gives every client, over a scripted stub handler: no
/// network, and on the given clock. Breakers for user-, order- and payment-service: threshold 5 by default,
/// payment-service's attempt timeout 2.5 s, no hedged reads unless a test sets <c>HedgeDelay</c>.
/// </summary>
internal sealed class ClientPipeline : IDisposable, IAsyncDisposable
{
    private const string ClientName = "test";
    private readonly ServiceProvider _services;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly TaskCompletionSource _stubEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClientPipeline(
        TimeProvider? time = null,
        Dictionary<string, string?>? configuration = null,
        Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = null,
        bool httpLogging = true,
        Action<IServiceCollection>? services = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["CircuitBreaker:Defaults:FailureThreshold"] = "5",
            ["CircuitBreaker:Services:payment-service:AttemptTimeout"] = "00:00:02.5",

            // No hedged reads but in the tests that turn them on: a stalled read here is the timeout's to end.
            ["CircuitBreaker:Defaults:HedgeDelay"] = "0",

            // The services this process guards: only they get breakers (any other host gets nothing of ours).
            ["CircuitBreaker:Services:user-service:Enabled"] = "true",
            ["CircuitBreaker:Services:order-service:Enabled"] = "true",
        };
        foreach (var (key, value) in configuration ?? [])
        {
            values[key] = value;
        }

        Stub = new StubHandler((request, token) =>
        {
            _stubEntered.TrySetResult();
            return _script.TryDequeue(out var answer) ? answer(request, token) : Task.FromResult(Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        });
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddLogging(logging ?? (_ => { }));
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        collection.AddSingleton(time ?? TimeProvider.System);
        collection.AddServiceDiscovery();
        var client = collection.AddHttpClient(ClientName).AddCircuitBreakerPipeline().ConfigurePrimaryHttpMessageHandler(() => Stub);
        if (!httpLogging)
        {
            // Without the client factory's logging handlers, whatever the stub answers reaches the pipeline as it is.
            client.RemoveAllLoggers();
        }

        _services = collection.BuildServiceProvider();

        // Service discovery resolves a service the first time on another thread; from then on it answers at once. Done
        // here, a test that moves the fake clock right after the stub is entered finds the pipeline where it expects it.
        var instances = _services.GetRequiredService<ServiceInstances>();
        foreach (var service in new[] { "user-service", "order-service", "payment-service", "catalog" })
        {
            instances.ResolveAsync(service, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    public StubHandler Stub { get; }

    public HttpClient Client => _services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    public CircuitBreakerRegistry Registry => _services.GetRequiredService<CircuitBreakerRegistry>();

    public IServiceProvider Services => _services;

    /// <summary>Completes once the stub has received its first request.</summary>
    public Task StubEntered => _stubEntered.Task;

    /// <summary>The status of a breaker that must exist by now, with its endpoints.</summary>
    public ServiceBreakerStatus Status(string breaker) =>
        Registry.Status(breaker) ?? throw new InvalidOperationException($"No breaker {breaker}");

    /// <summary>The breaker of a service and kind (<c>payment-service</c>, <c>payment-service:write</c>), created if need be.</summary>
    public CircuitBreaker Breaker(string breaker) => Registry.Guard(CircuitBreakerKey.FromName(breaker)).Breaker;

    public void Answer(HttpStatusCode status) => _script.Enqueue((_, _) => Task.FromResult(new HttpResponseMessage(status)));

    public void Answer(Func<HttpResponseMessage> answer) => _script.Enqueue((_, _) => Task.FromResult(answer()));

    public void Answer(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) => _script.Enqueue(answer);

    /// <summary>The next request gets no answer at all, until it is cancelled.</summary>
    public void AnswerNever() => Answer(async (_, token) =>
    {
        await Task.Delay(Timeout.Infinite, token);
        return new HttpResponseMessage(HttpStatusCode.OK);
    });

    /// <summary>The delegating handlers the client factory puts between the client and the stub, outermost first.</summary>
    public IReadOnlyList<DelegatingHandler> HandlersOfClient()
    {
        var options = _services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(ClientName);
        var builder = new InspectingHandlerBuilder(_services);
        foreach (var configure in options.HttpMessageHandlerBuilderActions)
        {
            configure(builder);
        }

        return [.. builder.AdditionalHandlers];
    }

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    // Service discovery's resolver disposes only asynchronously: an async test awaits it (await using), and blocks no
    // thread of the test runner's on it.
    public void Dispose() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    // Collects what the client's configuration adds, without building a client.
    private sealed class InspectingHandlerBuilder(IServiceProvider services) : HttpMessageHandlerBuilder
    {
        public override string? Name { get; set; } = ClientName;

        public override HttpMessageHandler PrimaryHandler { get; set; } = new HttpClientHandler();

        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];

        public override IServiceProvider Services => services;

        public override HttpMessageHandler Build() => throw new NotSupportedException();
    }
}
