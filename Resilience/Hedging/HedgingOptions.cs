using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// When a read still unanswered sends one hedge to another instance of its service, as Dean and Barroso's <i>The Tail at
/// Scale</i> and gRPC's hedging policy send one: after <see cref="HedgeDelay"/>. Writes are never hedged. Read by <see
/// cref="HedgedReads"/>; the hedge is paid from the service's retry budget.
/// </summary>
public sealed record HedgingOptions
{
    /// <summary>The value of <see cref="HedgeDelay"/> that follows the service's latency.</summary>
    public const string Auto = "auto";

    /// <summary>
    /// How long a read waits before its hedge is sent: <c>auto</c> (the service's recent p95, at least <see
    /// cref="MinHedgeDelay"/>, at most half the attempt timeout), a duration under the attempt timeout
    /// (<c>00:00:00.050</c>), or <c>0</c> for no hedging. Default <c>auto</c>.
    /// </summary>
    public string HedgeDelay { get; set; } = Auto;

    /// <summary>
    /// The least delay <c>auto</c> gives, so that a healthy service's ordinary spread sends almost no hedge (its p95
    /// alone would hedge one read in twenty). Default 20 ms; 1 ms to 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MinHedgeDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>True for <c>auto</c>; false for a fixed delay or none.</summary>
    internal bool IsAuto => string.Equals(HedgeDelay?.Trim(), Auto, StringComparison.OrdinalIgnoreCase);

    /// <summary>The fixed delay (zero: no hedging); null for <c>auto</c> or a value that is neither.</summary>
    internal TimeSpan? FixedDelay => !IsAuto && TimeSpan.TryParse(HedgeDelay, CultureInfo.InvariantCulture, out var delay) ? delay : null;

    /// <summary>False when <see cref="HedgeDelay"/> is <c>0</c>.</summary>
    internal bool Enabled => FixedDelay != TimeSpan.Zero;
}
