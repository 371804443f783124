using System.ComponentModel.DataAnnotations;
using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// When one instance of a service is taken out of rotation, and for how long (as Envoy's outlier detection does), and how
/// fast an instance's latency estimate forgets. Read by <see cref="EjectionPolicy"/> and the instance records.
/// </summary>
public sealed record EjectionOptions
{
    /// <summary>
    /// Consecutive failures of one instance of the service (one instance, as service discovery resolved it) that eject
    /// it from rotation, as Envoy's outlier detection does. Default 3; 0 never ejects; at most 1000.
    /// </summary>
    [Range(0, 1000)]
    public int EjectionConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// Consecutive slow calls of one instance (each over <see cref="CircuitBreakerOptions.SlowCallDuration"/>, whatever its outcome) that eject
    /// it, exactly as consecutive failures do: the same growth, cap and return. Default 3; 0 never ejects for slowness;
    /// at most 1000. Needs the slow-call rule: without <see cref="CircuitBreakerOptions.SlowCallDuration"/> no call is slow.
    /// </summary>
    [Range(0, 1000)]
    public int EjectionConsecutiveSlowCalls { get; set; } = 3;

    /// <summary>An ejected instance stays out this long times the number of times it has been ejected. Default 30 s.</summary>
    [Range(typeof(TimeSpan), CircuitBreakerOptions.Min, CircuitBreakerOptions.Day)]
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The cap on an instance's grown ejection time. Default 5 min; at least <see cref="BaseEjectionTime"/>.</summary>
    [Range(typeof(TimeSpan), CircuitBreakerOptions.Min, CircuitBreakerOptions.Day)]
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most this share of the service's instances ejected at once, rounded down, and never the last one: of three, one;
    /// with a single instance, none. Default 50; 0 to 100.
    /// </summary>
    [Range(0, 100)]
    public int MaxEjectionPercent { get; set; } = 50;

    /// <summary>
    /// How fast an instance's latency estimate (a peak EWMA) forgets: its time constant. A slow call sets the estimate at
    /// once; it then decays toward faster calls, and toward zero while the instance gets none. Default 10 s; 10 ms to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), CircuitBreakerOptions.PollyMin, "01:00:00")]
    public TimeSpan LatencyDecay { get; set; } = TimeSpan.FromSeconds(10);
}
