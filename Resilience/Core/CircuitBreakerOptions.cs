using System.ComponentModel.DataAnnotations;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// Settings of one circuit breaker and its endpoint records, named by the breaker (<c>payment-service</c>,
/// <c>payment-service:write</c>). Bound from <c>CircuitBreaker:Defaults</c>, then <c>CircuitBreaker:Services:{service}</c>,
/// then (for writes) <c>CircuitBreaker:Services:{service}:Write</c>, each layer overriding the one before
/// (<see cref="CircuitBreakerOptionsSetup"/>), and validated at start (<see cref="CircuitBreakerOptionsValidator"/>): the
/// ranges below, and the options that must agree with each other. The defaults are the seed's (docs/contract.md).
/// </summary>
public sealed record CircuitBreakerOptions
{
    // The ranges' bounds, as the validator reads them. Polly's timeout refuses anything under 10 ms or over a day.
    private const string Min = "00:00:00.001";
    private const string PollyMin = "00:00:00.010";
    private const string Day = "1.00:00:00";

    /// <summary>Consecutive failures (within <see cref="FailureWindow"/>) that open the circuit. Default 3; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Failures older than this no longer count towards <see cref="FailureThreshold"/>. Default 30 s.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional second trip rule: open when the share of failed calls over <see cref="SamplingDuration"/>
    /// reaches this ratio (0 &lt; ratio ≤ 1), with at least <see cref="MinimumThroughput"/> calls. Default off (null).
    /// </summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double? FailureRatio { get; init; }

    /// <summary>Calls needed in the sampling window before <see cref="FailureRatio"/> may trip. Default 10; 1 or more.</summary>
    [Range(1, 1_000_000)]
    public int MinimumThroughput { get; init; } = 10;

    /// <summary>The window over which <see cref="FailureRatio"/> is measured. Default 30 s.</summary>
    [Range(typeof(TimeSpan), PollyMin, Day)]
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional third trip rule, for a dependency that still answers but late (a brownout): a call that took longer than
    /// this, from admission to its whole body, is slow, whatever its outcome. When, of the last
    /// <see cref="SlowCallWindow"/> completed calls (a full window), the share of slow ones reaches
    /// <see cref="SlowCallRatio"/>, the circuit opens; in HalfOpen a slow probe is a failed probe. Default off (null);
    /// 1 ms to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan? SlowCallDuration { get; init; }

    /// <summary>The share of slow calls in the window that opens the circuit (0 &lt; ratio ≤ 1). Default 0.5.</summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double SlowCallRatio { get; init; } = 0.5;

    /// <summary>How many of the latest completed calls the slow-call rule looks at. Default 20; 1 to 10000.</summary>
    [Range(1, 10_000)]
    public int SlowCallWindow { get; init; } = 20;

    /// <summary>
    /// Optional concurrency limit (a bulkhead): at most this many admitted calls in flight at once through this breaker,
    /// in this process; over it a call is rejected at once (<c>rejectedRequests</c>), never a failure, never a probe,
    /// never retried. Default off (null); 1 to 100000.
    /// </summary>
    [Range(1, 100_000)]
    public int? MaxConcurrentCalls { get; init; }

    /// <summary>Time spent Open before the circuit turns HalfOpen and admits probes. Default 10 s.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan OpenDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Each reopening without a close in between multiplies the open duration by this. Default 1 (no growth); 1 to 100.</summary>
    [Range(1, 100)]
    public double OpenDurationMultiplier { get; init; } = 1;

    /// <summary>The cap on a grown open duration. Default 5 min; at least <see cref="OpenDuration"/>.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan MaxOpenDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Successful probes in HalfOpen that close the circuit. Default 2; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int SuccessThreshold { get; init; } = 2;

    /// <summary>Probe calls in flight at once in HalfOpen; the rest are rejected. Default 1; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int HalfOpenMaxProbes { get; init; } = 1;

    /// <summary>
    /// Timeout of one attempt, headers and whole body, applied inside the breaker so that a timeout counts as a failure.
    /// Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), PollyMin, Day)]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The largest response body a call may receive: the whole body is read inside the attempt timeout and the breaker,
    /// and one larger than this is a failure, read no further. Default 1 MiB; 1 KiB to 1 GiB.
    /// </summary>
    [Range(1024L, 1024L * 1024 * 1024)]
    public long MaxResponseBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Consecutive failures of one endpoint of the service (one instance, as service discovery resolved it) that eject
    /// it from rotation, as Envoy's outlier detection does. Default 3; 0 never ejects; at most 1000.
    /// </summary>
    [Range(0, 1000)]
    public int EjectionConsecutiveFailures { get; init; } = 3;

    /// <summary>An ejected endpoint stays out this long times the number of times it has been ejected. Default 30 s.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The cap on an endpoint's grown ejection time. Default 5 min; at least <see cref="BaseEjectionTime"/>.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most this share of the service's endpoints ejected at once, rounded down, and never the last one: of three, one;
    /// with a single endpoint, none. Default 50; 0 to 100.
    /// </summary>
    [Range(0, 100)]
    public int MaxEjectionPercent { get; init; } = 50;

    /// <summary>
    /// Consecutive slow calls of one endpoint (each over <see cref="SlowCallDuration"/>, whatever its outcome) that eject
    /// it, exactly as consecutive failures do: the same growth, cap and return. Default 3; 0 never ejects for slowness;
    /// at most 1000. Needs the slow-call rule: without <see cref="SlowCallDuration"/> no call is slow.
    /// </summary>
    [Range(0, 1000)]
    public int EjectionConsecutiveSlowCalls { get; init; } = 3;

    /// <summary>
    /// How fast an endpoint's latency estimate (a peak EWMA) forgets: its time constant. A slow call sets the estimate at
    /// once; it then decays toward faster calls, and toward zero while the endpoint gets none. Default 10 s; 10 ms to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), PollyMin, "01:00:00")]
    public TimeSpan LatencyDecay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>false</c> takes the breaker out: calls pass straight through (still timed out). Default true.</summary>
    public bool Enabled { get; init; } = true;
}
