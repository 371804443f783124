using System.ComponentModel.DataAnnotations;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// The limits of one HTTP call through a breaker: the largest body it may receive, and how many may be in flight at once (a static or
/// an adaptive limit).
/// </summary>
public sealed record CallLimitsOptions
{
    /// <summary>
    /// The largest response body a call may receive: the whole body is read inside the attempt timeout and the breaker,
    /// and one larger than this is a failure, read no further. Default 1 MiB; 1 KiB to 1 GiB.
    /// </summary>
    [Range(1024L, 1024L * 1024 * 1024)]
    public long MaxResponseBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Optional static concurrency limit (a bulkhead): at most this many admitted calls in flight at once through this
    /// breaker, in this process; over it a call is rejected at once (<c>rejectedRequests</c>), never a failure, never a
    /// probe, never retried. It takes the place of the adaptive limit. Default off (null); 1 to 100000.
    /// </summary>
    [Range(1, 100_000)]
    public int? MaxConcurrentCalls { get; set; }

    /// <summary>
    /// The adaptive concurrency limit: each instance's limit learnt from its latency and drops, the service's the sum of
    /// those in rotation; over it a call is rejected at once, as over <see cref="MaxConcurrentCalls"/>. Default on;
    /// <see cref="MaxConcurrentCalls"/> takes its place when set.
    /// </summary>
    public bool AdaptiveConcurrency { get; set; } = true;
}
