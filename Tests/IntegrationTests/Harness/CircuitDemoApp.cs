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
public partial class CircuitDemoApp : IAsyncLifetime
{
    public const string AdminKey = "integration-test-admin-key";

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

    protected CircuitDemoApp(
        bool dashboard, TimeSpan openDuration, int paymentInstances = 1, TimeSpan? paymentAttemptTimeout = null, TimeSpan? paymentSlowCall = null)
    {
        _dashboard = dashboard;
        OpenDuration = openDuration;
        PaymentInstances = paymentInstances;
        PaymentAttemptTimeout = paymentAttemptTimeout ?? AttemptTimeout;
        PaymentSlowCallDuration = paymentSlowCall ?? SlowCallDuration;
    }

    /// <summary>payment-service's read attempt timeout here.</summary>
    public TimeSpan PaymentAttemptTimeout { get; }

    /// <summary>payment-service's read slow-call duration here (<see cref="SlowCallDuration"/> unless the system says otherwise).</summary>
    public TimeSpan PaymentSlowCallDuration { get; }

    /// <summary>How many instances of payment-service run here (<c>Stubs:payment-service:Instances</c>); one of each other stub.</summary>
    public int PaymentInstances { get; }

    /// <summary>The resource names of every instance of <paramref name="service"/>, in order.</summary>
    public IReadOnlyList<string> InstancesOf(string service) =>
        [.. Enumerable.Range(1, service == ServiceNames.Payment ? PaymentInstances : 1).Select(i => ServiceNames.Instance(service, i))];

    /// <summary>Every stub resource: each instance of each service.</summary>
    public IEnumerable<string> StubResources => ServiceNames.Stubs.SelectMany(InstancesOf);

    /// <summary>This system's ledger: a SQLite file of its own, so that systems running side by side never share one.</summary>
    public string LedgerPath { get; } = TestLedgers.NewSqlitePath();

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
}
