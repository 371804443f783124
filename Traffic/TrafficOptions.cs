using System.ComponentModel.DataAnnotations;

namespace CircuitDemo.Traffic;

/// <summary>
/// How much traffic to send (configuration section <c>Traffic</c>; the AppHost sets the rate from its
/// <c>traffic-rate</c> parameter).
/// </summary>
public sealed class TrafficOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Traffic";

    /// <summary>Requests per second to <c>/user-dashboard/{id}</c>. Default 5; 0.1 to 100.</summary>
    [Range(0.1, 100)]
    public double RatePerSecond { get; set; } = 5;

    /// <summary>Requests in flight at most; a tick that finds this many waiting is skipped (and counted). Default 64.</summary>
    [Range(1, 1000)]
    public int MaxInFlight { get; set; } = 64;

    /// <summary>How many different user ids the requests cycle through. Default 50.</summary>
    [Range(1, 100_000)]
    public int Users { get; set; } = 50;
}
