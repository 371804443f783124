using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// The real AppHost under <c>DistributedApplicationTestingBuilder</c>, shared by the tests of one class: random ports,
/// a known admin key and short breaker durations so that tripping and recovery take seconds.
/// </summary>
public class CircuitDemoApp : IAsyncLifetime
{
    public const string AdminKey = "integration-test-admin-key";

    public static readonly string[] Services = ["user-service", "order-service", "payment-service"];

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>Breaker settings for the tests: the seed's thresholds, open durations of one second.</summary>
    protected virtual IEnumerable<string> Arguments =>
    [
        $"Parameters:admin-key={AdminKey}",
        "CircuitBreaker:Services:user-service:OpenDuration=00:00:01",
        "CircuitBreaker:Services:order-service:OpenDuration=00:00:01",
        "CircuitBreaker:Services:payment-service:OpenDuration=00:00:01",
        "CircuitBreaker:Services:user-service:AttemptTimeout=00:00:01",
        "CircuitBreaker:Services:order-service:AttemptTimeout=00:00:01",
        "CircuitBreaker:Services:payment-service:AttemptTimeout=00:00:01",
    ];

    protected virtual bool DashboardEnabled => false;

    /// <summary>The log lines captured so far (the AppHost's and every resource's console output).</summary>
    public IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord> Logs => App.Services.GetFakeLogCollector().GetSnapshot();

    /// <summary>A last change to the application model before it starts.</summary>
    protected virtual void ConfigureBuilder(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        using var cancellation = new CancellationTokenSource(TestTimeouts.Startup);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. Arguments],
            (options, _) => options.DisableDashboard = !DashboardEnabled,
            cancellation.Token);
        // Every log line of the AppHost and, forwarded by it, of every resource, for tests that read them.
        // The console (and so the test log) gets only warnings: a soak makes hundreds of thousands of lines.
        builder.Services.AddLogging(logging => logging
            .AddFakeLogging()
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning));
        ConfigureBuilder(builder);
        _app = await builder.BuildAsync(cancellation.Token).WaitAsync(TestTimeouts.Startup);
        await _app.StartAsync(cancellation.Token).WaitAsync(TestTimeouts.Startup);
        foreach (var resource in Services.Append("gateway"))
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token).WaitAsync(TestTimeouts.Startup);
        }

        Gateway = CreateClient("gateway");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>An HttpClient to a stub service.</summary>
    public HttpClient Service(string name) => CreateClient(name);

    // A bounded timeout: a test that waits on a dead endpoint fails in seconds, not after HttpClient's 100.
    private HttpClient CreateClient(string resource)
    {
        var client = App.CreateHttpClient(resource);
        client.Timeout = TestTimeouts.Step;
        return client;
    }

    /// <summary>Puts every service back to normal and closes every breaker, so each test starts clean.</summary>
    public async Task ResetAsync()
    {
        foreach (var service in Services)
        {
            using var client = Service(service);
            using var request = Admin(HttpMethod.Delete, "/failure-mode");
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        foreach (var breaker in await BreakersAsync())
        {
            using var request = Admin(HttpMethod.Post, $"/circuit-breakers/{breaker.Name}/reset");
            (await Gateway.SendAsync(request)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>A request carrying the admin key.</summary>
    public static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Admin-Key", AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Sets a service's failure mode directly on the service.</summary>
    public async Task SetFailureModeAsync(string service, object mode)
    {
        using var client = Service(service);
        using var request = Admin(HttpMethod.Put, "/failure-mode", mode);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<BreakerView>> BreakersAsync() =>
        (await Gateway.GetFromJsonAsync<BreakersView>("/circuit-breakers"))!.Breakers;

    public async Task<BreakerView> BreakerAsync(string name) => (await BreakersAsync()).Single(b => b.Name == name);

    public async Task<long> BusinessRequestsAsync(string service)
    {
        using var client = Service(service);
        return (await client.GetFromJsonAsync<StatsView>("/stats"))!.BusinessRequests;
    }

    public async Task<DashboardResponse> DashboardAsync(string userId)
    {
        var response = await Gateway.GetAsync($"/user-dashboard/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DashboardResponse>())!;
    }
}
