namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Settings of one circuit breaker. Bound from <c>CircuitBreaker:Defaults</c>, then
/// <c>CircuitBreaker:Services:{service}</c>, then (for writes) <c>CircuitBreaker:Services:{service}:Write</c>,
/// each layer overriding the one before. The defaults are those of the Node.js article this project started from
/// (README: Configuring the breakers).
/// </summary>
public sealed record CircuitBreakerOptions
{
    /// <summary>Consecutive failures (within <see cref="FailureWindow"/>) that open the circuit. Default 3; 1 to 1000.</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Failures older than this no longer count towards <see cref="FailureThreshold"/>. Default 30 s.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional second trip rule: open when the share of failed calls over <see cref="SamplingDuration"/>
    /// reaches this ratio (0 &lt; ratio ≤ 1), with at least <see cref="MinimumThroughput"/> calls. Default off (null).
    /// </summary>
    public double? FailureRatio { get; init; }

    /// <summary>Calls needed in the sampling window before <see cref="FailureRatio"/> may trip. Default 10; 1 or more.</summary>
    public int MinimumThroughput { get; init; } = 10;

    /// <summary>The window over which <see cref="FailureRatio"/> is measured. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional third trip rule, for a dependency that still answers but late (a brownout): a call that took longer than
    /// this, from admission to its whole body, is slow, whatever its outcome. When, of the last
    /// <see cref="SlowCallWindow"/> completed calls (a full window), the share of slow ones reaches
    /// <see cref="SlowCallRatio"/>, the circuit opens; in HalfOpen a slow probe is a failed probe. Default off (null);
    /// 1 ms to 1 day.
    /// </summary>
    public TimeSpan? SlowCallDuration { get; init; }

    /// <summary>The share of slow calls in the window that opens the circuit (0 &lt; ratio ≤ 1). Default 0.5.</summary>
    public double SlowCallRatio { get; init; } = 0.5;

    /// <summary>How many of the latest completed calls the slow-call rule looks at. Default 20; 1 to 10000.</summary>
    public int SlowCallWindow { get; init; } = 20;

    /// <summary>
    /// Optional concurrency limit (a bulkhead): at most this many admitted calls in flight at once through this breaker,
    /// in this process; over it a call is rejected at once (<c>rejectedRequests</c>), never a failure, never a probe,
    /// never retried. Default off (null); 1 to 100000.
    /// </summary>
    public int? MaxConcurrentCalls { get; init; }

    /// <summary>Time spent Open before the circuit turns HalfOpen and admits probes. Default 10 s.</summary>
    public TimeSpan OpenDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Each reopening without a close in between multiplies the open duration by this. Default 1 (no growth); 1 to 100.</summary>
    public double OpenDurationMultiplier { get; init; } = 1;

    /// <summary>The cap on a grown open duration. Default 5 min; at least <see cref="OpenDuration"/>.</summary>
    public TimeSpan MaxOpenDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Successful probes in HalfOpen that close the circuit. Default 2; 1 to 1000.</summary>
    public int SuccessThreshold { get; init; } = 2;

    /// <summary>Probe calls in flight at once in HalfOpen; the rest are rejected. Default 1; 1 to 1000.</summary>
    public int HalfOpenMaxProbes { get; init; } = 1;

    /// <summary>
    /// Timeout of one attempt, headers and whole body, applied inside the breaker so that a timeout counts as a failure.
    /// Default 2 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The largest response body a call may receive: the whole body is read inside the attempt timeout and the breaker,
    /// and one larger than this is a failure, read no further. Default 1 MiB; 1 KiB to 1 GiB.
    /// </summary>
    public long MaxResponseBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Consecutive failures of one endpoint of the service (one instance, as service discovery resolved it) that eject
    /// it from rotation, as Envoy's outlier detection does. Default 3; 0 never ejects; at most 1000.
    /// </summary>
    public int EjectionConsecutiveFailures { get; init; } = 3;

    /// <summary>An ejected endpoint stays out this long times the number of times it has been ejected. Default 30 s.</summary>
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The cap on an endpoint's grown ejection time. Default 5 min; at least <see cref="BaseEjectionTime"/>.</summary>
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most this share of the service's endpoints ejected at once, rounded down, and never the last one: of three, one;
    /// with a single endpoint, none. Default 50; 0 to 100.
    /// </summary>
    public int MaxEjectionPercent { get; init; } = 50;

    /// <summary><c>false</c> takes the breaker out: calls pass straight through (still timed out). Default true.</summary>
    public bool Enabled { get; init; } = true;
}
