namespace CircuitDemo.IntegrationTests;

/// <summary>The settings every system under test runs with: short timeouts and open durations, long ejections.</summary>
public partial class CircuitDemoApp
{
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

    /// <summary>
    /// An ejected instance's time out here: longer than any test, so that no ejection runs out while a test looks at it
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

        // No hedged reads in these systems: their tests count what a breaker and an instance's record make of each
        // attempt, and a hedge that wins cancels the attempt they count (a hung instance's calls are never its failures
        // while its hedges win). Hedged reads are tested between processes of their own (HedgedReadProcessTests).
        "CircuitBreaker:Defaults:HedgeDelay=0",
        .. ServiceNames.Stubs.SelectMany(service => new[]
        {
            $"CircuitBreaker:Services:{service}:OpenDuration={OpenDuration}",
            $"CircuitBreaker:Services:{service}:AttemptTimeout={(service == ServiceNames.Payment ? PaymentAttemptTimeout : AttemptTimeout)}",
            $"CircuitBreaker:Services:{service}:SlowCallDuration={(service == ServiceNames.Payment ? PaymentSlowCallDuration : SlowCallDuration)}",
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
}
