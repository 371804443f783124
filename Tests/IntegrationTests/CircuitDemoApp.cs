using System.Diagnostics;
using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// The real AppHost under <c>DistributedApplicationTestingBuilder</c>, started once for a collection of integration
/// tests (each starts with <see cref="ResetAsync"/>): random ports, the dashboard on (anonymous, plain http), a known
/// admin key, and breakers that trip and recover in seconds.
/// </summary>
public class CircuitDemoApp : IAsyncLifetime
{
    public const string AdminKey = "integration-test-admin-key";

    /// <summary>Every stub service's attempt timeout here: short, so a timed-out call costs a second.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Every read breaker's slow-call duration here: half the attempt timeout, the rule of the shipped configuration.</summary>
    public static readonly TimeSpan SlowCallDuration = AttemptTimeout / 2;

    /// <summary>payment-service's write breaker's open duration here.</summary>
    public static readonly TimeSpan WriteOpenDuration = TimeSpan.FromMilliseconds(200);

    /// <summary>How long payment-service's write breaker keeps an instance out here (and, each time again, twice that at most).</summary>
    public static readonly TimeSpan WriteEjectionTime = TimeSpan.FromSeconds(3);

    /// <summary>The traffic resource's rate here: slow enough that a HalfOpen period lasts long enough to be seen.</summary>
    public const int TrafficRate = 1;

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>Where the dashboard answers: the testing builder puts a proxy with a random port in front of it.</summary>
    public Uri DashboardUrl => App.GetEndpoint("aspire-dashboard", "http");

    /// <summary>The log lines captured so far (the AppHost's and, forwarded by it, every resource's console output).</summary>
    public IReadOnlyList<FakeLogRecord> Logs => App.Services.GetFakeLogCollector().GetSnapshot();

    private static readonly SemaphoreSlim OneStartAtATime = new(1);

    private readonly bool _dashboard;

    public CircuitDemoApp()
        : this(dashboard: true, TimeSpan.FromSeconds(1))
    {
    }

    protected CircuitDemoApp(bool dashboard, TimeSpan openDuration, int paymentInstances = 1, TimeSpan? paymentAttemptTimeout = null)
    {
        _dashboard = dashboard;
        OpenDuration = openDuration;
        PaymentInstances = paymentInstances;
        PaymentAttemptTimeout = paymentAttemptTimeout ?? AttemptTimeout;
    }

    /// <summary>payment-service's read attempt timeout here (its slow-call duration stays <see cref="SlowCallDuration"/>).</summary>
    public TimeSpan PaymentAttemptTimeout { get; }

    /// <summary>How many instances of payment-service run here (<c>Stubs:payment-service:Instances</c>); one of each other stub.</summary>
    public int PaymentInstances { get; }

    /// <summary>
    /// An ejected endpoint's time out here: longer than any test, so that no ejection runs out while a test looks at it
    /// (each test starts from a reset, which brings every endpoint back). A return when the time is over is tested on a
    /// fake clock, and through a plain gateway's stream.
    /// </summary>
    public static readonly TimeSpan BaseEjectionTime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How fast an endpoint's latency estimate forgets, here: a fifth of a second, so that an instance the estimate
    /// shuns (a failure is charged as a whole attempt timeout) is tried again within a second or two, and ejected in
    /// seconds rather than the minutes the shipped ten seconds would take under a test's light traffic.
    /// </summary>
    public static readonly TimeSpan LatencyDecay = TimeSpan.FromMilliseconds(200);

    /// <summary>The resource names of every instance of <paramref name="service"/>, in order.</summary>
    public IReadOnlyList<string> InstancesOf(string service) =>
        [.. Enumerable.Range(1, service == ServiceNames.Payment ? PaymentInstances : 1).Select(i => ServiceNames.Instance(service, i))];

    /// <summary>Every stub resource: each instance of each service.</summary>
    public IEnumerable<string> StubResources => ServiceNames.Stubs.SelectMany(InstancesOf);

    /// <summary>This system's ledger: a SQLite file of its own, so that systems running side by side never share one.</summary>
    public string LedgerPath { get; } = TestLedgers.NewSqlitePath();

    /// <summary>Every stub service's open duration here: short, so a trip and its recovery take seconds.</summary>
    public TimeSpan OpenDuration { get; }

    private IEnumerable<string> Arguments =>
    [
        $"Parameters:admin-key={AdminKey}",
        $"{Settings.LedgerPath}={LedgerPath}",
        $"Parameters:traffic-rate={TrafficRate}",
        $"{Settings.StubInstancesOf(ServiceNames.Payment)}={PaymentInstances}",
        $"CircuitBreaker:Defaults:BaseEjectionTime={BaseEjectionTime}",
        $"CircuitBreaker:Defaults:MaxEjectionTime={BaseEjectionTime * 2}",
        $"CircuitBreaker:Defaults:LatencyDecay={LatencyDecay}",
        .. ServiceNames.Stubs.SelectMany(service => new[]
        {
            $"CircuitBreaker:Services:{service}:OpenDuration={OpenDuration}",
            $"CircuitBreaker:Services:{service}:AttemptTimeout={(service == ServiceNames.Payment ? PaymentAttemptTimeout : AttemptTimeout)}",
            $"CircuitBreaker:Services:{service}:SlowCallDuration={SlowCallDuration}",
        }),

        // Payments under faults open the write breaker often; a short open duration keeps that test to seconds (and
        // runs probes that outlive their HalfOpen period, as the write attempt timeout is 5 s).
        $"CircuitBreaker:Services:{ServiceNames.Payment}:Write:OpenDuration={WriteOpenDuration}",

        // A payment's instance out of rotation refuses its users' writes for the ejection's time: seconds here, so that
        // the writes under faults, which eject instances now and then, take seconds too.
        $"CircuitBreaker:Services:{ServiceNames.Payment}:Write:BaseEjectionTime={WriteEjectionTime}",
        $"CircuitBreaker:Services:{ServiceNames.Payment}:Write:MaxEjectionTime={WriteEjectionTime * 2}",

        .. _dashboard ? DashboardArguments : [],
    ];

    // The dashboard needs explicit http addresses to run without a certificate, and no login token (a test cannot read
    // the one it prints); the testing builder still puts its random-port proxy in front.
    private static IEnumerable<string> DashboardArguments =>
    [
        $"ASPNETCORE_URLS=http://localhost:{FreePorts.Next()}",
        $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{FreePorts.Next()}",
        "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
    ];

    public async Task InitializeAsync()
    {
        // Systems starting at once on two cores became ready together, each after about three times as long as one
        // alone, and no test could begin before then. One at a time, the first is ready soonest and its tests run while
        // the next one starts (in the order SystemStartOrder gives). "Started" is the processes launched: waiting for
        // their health checks and warming up is mostly waiting, which the next system's start may use.
        using var cancellation = new CancellationTokenSource(TestTimeouts.Startup);
        if (!await OneStartAtATime.WaitAsync(3 * TestTimeouts.Startup))
        {
            throw new TimeoutException("The other running systems did not finish starting.");
        }

        try
        {
            await LaunchAsync(cancellation.Token);
        }
        finally
        {
            OneStartAtATime.Release();
        }

        foreach (var resource in StubResources.Append(ServiceNames.Gateway))
        {
            await _app!.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token).WaitAsync(TestTimeouts.Startup);
        }

        Gateway = CreateClient(ServiceNames.Gateway);
        await WarmUpAsync();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. Arguments],
            (options, _) => options.DisableDashboard = !_dashboard,
            cancellationToken);

        // Every log line of the AppHost and, forwarded by it, of every resource, for tests that read them.
        // The console (and so the test log) gets only warnings: a soak makes hundreds of thousands of lines. Failed
        // health checks are left out of it too: the tests stop services on purpose, and each failed check of a stopped
        // service is a stack trace that would bury the reason a test failed.
        builder.Services.AddLogging(logging => logging
            .AddFakeLogging()
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>((category, level) =>
                level >= LogLevel.Warning && category?.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) != true));
        _app = await builder.BuildAsync(cancellationToken).WaitAsync(TestTimeouts.Startup);
        await _app.StartAsync(cancellationToken).WaitAsync(TestTimeouts.Startup);
    }

    // Healthy means /health answers; the first business calls still compile their code paths in four processes, and
    // on a busy machine they can outlast an attempt timeout, so the first test would see a healthy service time out.
    // The system is ready once the dashboard is live from all three services; the breakers those first calls may have
    // tripped are reset.
    private async Task WarmUpAsync()
    {
        await Eventually.UntilAsync(
            async () => (await DashboardAsync("warm-up")).Sources,
            sources => sources == new DashboardSources(FallbackReasons.Live, FallbackReasons.Live, FallbackReasons.Live),
            "the dashboard to be live from every service",
            TestTimeouts.Startup);
        await ResetAsync();
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            // Bounded: a stop that hangs fails the run here rather than holding CI until its overall limit.
            await _app.StopAsync().WaitAsync(TestTimeouts.Shutdown);
            await _app.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Shutdown);
        }

        TestLedgers.Delete(LedgerPath);
    }

    /// <summary>An HttpClient to a resource, with a bounded timeout: a wait on a dead endpoint fails in seconds.</summary>
    public HttpClient CreateClient(string resource)
    {
        var client = App.CreateHttpClient(resource);
        client.Timeout = TestTimeouts.Step;
        return client;
    }

    /// <summary>
    /// Puts the system back as it started: every stub running and in mode none, the traffic stopped, every breaker
    /// Closed with its streak cleared.
    /// </summary>
    public async Task ResetAsync()
    {
        foreach (var service in StubResources)
        {
            await EnsureRunningAsync(service);
            using var client = CreateClient(service);
            using var request = Admin(HttpMethod.Delete, Paths.FailureMode);
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        if (StateOf(ServiceNames.Traffic) == KnownResourceStates.Running)
        {
            await ExecuteAsync(ServiceNames.Traffic, KnownResourceCommands.StopCommand);
        }

        foreach (var breaker in BreakerNames.Gateway)
        {
            using var request = Admin(HttpMethod.Post, Paths.BreakerCommand(breaker, "reset"));
            (await Gateway.SendAsync(request)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Starts a stopped resource and waits until it is healthy.</summary>
    public async Task EnsureRunningAsync(string resource)
    {
        if (StateOf(resource) == KnownResourceStates.Running)
        {
            return;
        }

        // Tests beside this system start processes and listeners on ports the OS picks, and one may be given the port a
        // stopped resource keeps for its restart: its start then fails at once (address in use). Started once more in
        // that case, and what the first start wrote is in the message if the second fails too.
        for (var attempt = 1; ; attempt++)
        {
            await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
            try
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(TestTimeouts.Startup);
                return;
            }
            catch (DistributedApplicationException) when (attempt == 1)
            {
                await App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text is not (null or "Starting" or "Running"))
                    .WaitAsync(TestTimeouts.Step);
            }
            catch (DistributedApplicationException failed)
            {
                var output = Logs.Where(r => r.Category?.StartsWith($"AppHost.Resources.{resource}", StringComparison.Ordinal) == true).TakeLast(20).Select(r => r.Message);
                throw new InvalidOperationException($"{resource} failed to start twice. Its last output: {string.Join(" | ", output)}", failed);
            }
        }
    }

    /// <summary>Runs a resource command (Start, Stop, a button) as the dashboard would, and checks that it succeeded.</summary>
    public async Task ExecuteAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command).WaitAsync(TestTimeouts.Step);
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}");
    }

    /// <summary>The text of a resource's state on the dashboard, such as Running or, for a breaker's row, Open.</summary>
    public string? StateOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    /// <summary>A property of a resource's row as the dashboard shows it (by its display name), or null.</summary>
    public string? PropertyOf(string resource, string displayName) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current)
            ? current.Snapshot.Properties.FirstOrDefault(p => p.DisplayName == displayName)?.Value?.ToString()
            : null;

    /// <summary>Waits until a breaker's row on the dashboard reads <paramref name="state"/>; returns when it did.</summary>
    public async Task<DateTimeOffset> WaitForBreakerRowAsync(string breaker, string state, TimeSpan timeout)
    {
        await App.ResourceNotifications
            .WaitForResourceAsync(BreakerNames.RowName(breaker), e => e.Snapshot.State?.Text == state)
            .WaitAsync(timeout);
        return DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// Runs <paramref name="act"/> while <paramref name="breaker"/> is Open and returns what it returned, with the
    /// breaker as it was just before, but only if it finished before the breaker's next attempt time: after that, a
    /// call could already be a probe. With a one-second open duration a busy machine can miss that time; then the next
    /// dashboard call is the probe that fails and reopens the circuit (the fault is still on), and it tries again.
    /// Judged on the monotonic clock, from the breaker's <c>retryAfterMs</c>: the breaker answered after the watch
    /// started, so its next attempt is at least that long after it, whatever the wall clock does meanwhile.
    /// </summary>
    public async Task<(BreakerView Before, T Result)> WhileOpenAsync<T>(string breaker, Func<Task<T>> act)
    {
        for (var period = 1; period <= 10; period++)
        {
            var asked = Stopwatch.StartNew();
            var before = await BreakerAsync(breaker);
            if (before is not { State: CircuitState.Open, RetryAfterMs: { } retryAfterMs })
            {
                await DashboardAsync("reopen");
                continue;
            }

            var result = await act();
            // Less one millisecond: the breaker rounds the time left up to a whole millisecond.
            if (asked.Elapsed < TimeSpan.FromMilliseconds(retryAfterMs - 1))
            {
                return (before, result);
            }
        }

        throw new TimeoutException($"In ten open periods of {breaker}, nothing finished before the next attempt time.");
    }

    /// <summary>A request carrying the admin key.</summary>
    public static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(HeaderNames.AdminKey, AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Sets a service's failure mode directly on the service.</summary>
    public async Task SetFailureModeAsync(string service, FailureMode mode)
    {
        using var client = CreateClient(service);
        using var request = Admin(HttpMethod.Put, Paths.FailureMode, mode);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<BreakerView>> BreakersAsync() =>
        (await Gateway.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers;

    public async Task<BreakerView> BreakerAsync(string name) => (await BreakersAsync()).Single(b => b.Name == name);

    public async Task<long> BusinessRequestsAsync(string service)
    {
        using var client = CreateClient(service);
        return (await client.GetFromJsonAsync<ServiceStats>(Paths.Stats))!.BusinessRequests;
    }

    /// <summary>The gateway's heap after a full collection (<c>POST /diagnostics/gc</c>, admin key).</summary>
    public async Task<HeapView> HeapAsync()
    {
        using var request = Admin(HttpMethod.Post, Paths.DiagnosticsGc);
        var response = await Gateway.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HeapView>())!;
    }

    public async Task<DashboardView> DashboardAsync(string userId)
    {
        var response = await Gateway.GetAsync($"{Paths.UserDashboard}/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!;
    }

}

/// <summary>
/// The system the fault matrix runs on: an open duration of half a second, which each of the 36 cases waits out once
/// (their time to close). The payments under faults, the brownout and the chaos soak run here too. No dashboard: no
/// telemetry for every service to export and the dashboard to take in, which under the soak's traffic is a processor's
/// worth.
/// </summary>
public sealed class FaultMatrixApp() : CircuitDemoApp(dashboard: false, TimeSpan.FromMilliseconds(500));

/// <summary>
/// The system with three instances of payment-service (<c>Stubs:payment-service:Instances</c> = 3), for one bad
/// instance among healthy ones: ejection, the service's breaker that opens only when every instance fails or is slow,
/// payments owned by one instance; with the dashboard, for its rows. The other stubs run once: their instances would
/// add processes to start, not cases. payment-service's attempt timeout is two seconds here, four times its slow-call
/// duration: a slow instance's answers (just over the slow-call duration) stay slow, not timed out, on a machine busy
/// with the other systems' tests (at one second, a loaded run once timed two of them out, and the breaker opened for
/// its consecutive failures instead of its slow calls).
/// </summary>
public sealed class ThreeInstanceApp() : CircuitDemoApp(dashboard: true, TimeSpan.FromMilliseconds(500), paymentInstances: 3, paymentAttemptTimeout: TimeSpan.FromSeconds(2));
