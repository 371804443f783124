using System.ComponentModel.DataAnnotations;
using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>Limits of <c>GET /circuit-breakers/stream</c>, bound from <c>CircuitBreakerStream</c> and validated at start.</summary>
public sealed class CircuitBreakerStreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CircuitBreakerStream";

    /// <summary>
    /// Streams open at once; one more is answered 429. Every stream is anonymous and costs work on the request that
    /// changes a breaker's state, so their number is capped. Default 16; 1 to 1000.
    /// </summary>
    [Range(1, 1000)]
    public int MaxStreams { get; set; } = 16;

    /// <summary>Silence after which a stream sends a heartbeat. Default 15 s; 100 ms to 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = CircuitBreakerStream.HeartbeatInterval;
}
