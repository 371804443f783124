using System.ComponentModel.DataAnnotations;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// The 14 settings of one circuit breaker: its trip rules, its open and half-open periods, and how long a call may take.
/// The defaults are the seed's. Ranges are checked at start by the options framework; a breaker copies its options when
/// it is built, so changing them later changes nothing.
/// </summary>
public sealed record CircuitBreakerOptions
{
    // The ranges' bounds, as the validator reads them. Polly's timeout refuses anything under 10 ms or over a day.
    internal const string Min = "00:00:00.001";
    internal const string PollyMin = "00:00:00.010";
    internal const string Day = "1.00:00:00";

    /// <summary>Consecutive failures (within <see cref="FailureWindow"/>) that open the circuit. Default 3; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Failures older than this no longer count towards <see cref="FailureThreshold"/>. Default 30 s.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional second trip rule: open when the share of failed calls over <see cref="SamplingDuration"/>
    /// reaches this ratio (0 &lt; ratio ≤ 1), with at least <see cref="MinimumThroughput"/> calls. Default off (null).
    /// </summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double? FailureRatio { get; set; }

    /// <summary>Calls needed in the sampling window before <see cref="FailureRatio"/> may trip. Default 10; 1 or more.</summary>
    [Range(1, 1_000_000)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window over which <see cref="FailureRatio"/> is measured. Default 30 s.</summary>
    [Range(typeof(TimeSpan), PollyMin, Day)]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional third trip rule, for a dependency that still answers but late (a brownout): a call that took longer than
    /// this, from admission to its whole body, is slow, whatever its outcome. When, of the last
    /// <see cref="SlowCallWindow"/> completed calls (a full window), the share of slow ones reaches
    /// <see cref="SlowCallRatio"/>, the circuit opens; in HalfOpen a slow probe is a failed probe. Default off (null);
    /// 1 ms to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan? SlowCallDuration { get; set; }

    /// <summary>The share of slow calls in the window that opens the circuit (0 &lt; ratio ≤ 1). Default 0.5.</summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double SlowCallRatio { get; set; } = 0.5;

    /// <summary>How many of the latest completed calls the slow-call rule looks at. Default 20; 1 to 10000.</summary>
    [Range(1, 10_000)]
    public int SlowCallWindow { get; set; } = 20;

    /// <summary>Time spent Open before the circuit turns HalfOpen and admits probes. Default 10 s.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan OpenDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Each reopening without a close in between multiplies the open duration by this. Default 1 (no growth); 1 to 100.</summary>
    [Range(1, 100)]
    public double OpenDurationMultiplier { get; set; } = 1;

    /// <summary>The cap on a grown open duration. Default 5 min; at least <see cref="OpenDuration"/>.</summary>
    [Range(typeof(TimeSpan), Min, Day)]
    public TimeSpan MaxOpenDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Successful probes in HalfOpen that close the circuit. Default 2; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int SuccessThreshold { get; set; } = 2;

    /// <summary>Probe calls in flight at once in HalfOpen; the rest are rejected. Default 1; 1 to 1000.</summary>
    [Range(1, 1000)]
    public int HalfOpenMaxProbes { get; set; } = 1;

    /// <summary>
    /// The longest one call may take (the HTTP pipeline's attempt timeout, headers and whole body, inside the breaker, so
    /// that a timeout is a failure). A probe slot frees up at the latest then: it is the Retry-After of a HalfOpen
    /// rejection. Default 2 s; 10 ms to 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), PollyMin, Day)]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
