using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Overload;

namespace CircuitDemo.Resilience.Instances;

/// <summary>What the records know of one instance of the service; its fields are guarded by the records' lock.</summary>
internal sealed class InstanceRecord(string name, Uri address)
{
    /// <summary>The instance's name: its resource in the AppHost, or its pod.</summary>
    public string Name { get; } = name;

    public Uri Address { get; } = address;

    /// <summary>The address as <c>/circuit-breakers</c> shows it: scheme, host and port.</summary>
    public string Authority { get; } = address.GetLeftPart(UriPartial.Authority);

    /// <summary>Its failures and slow calls in a row, which the <see cref="EjectionPolicy"/> reads and rewrites.</summary>
    public Streaks Streaks { get; set; }

    /// <summary>How many times it has been ejected since the records were last reset (the growth of its ejection time).</summary>
    public int Ejections { get; set; }

    /// <summary>On the monotonic clock; null while in rotation.</summary>
    public TimeSpan? EjectedUntil { get; set; }

    public string? EjectionReason { get; set; }

    /// <summary>Empty until a call completes on it, and again once it is back from an ejection.</summary>
    public LatencyEstimate Latency;

    /// <summary>How many calls it may have in flight: learnt from its latency and drops.</summary>
    public ConcurrencyLimit Limit;

    public int InFlight { get; set; }

    public long Total { get; set; }

    public long Failed { get; set; }

    /// <summary>No longer in service discovery's list: results of calls still in flight count for the service alone.</summary>
    public bool Removed { get; set; }

    public bool InRotation => EjectedUntil is null;

    /// <summary>The instance as <c>/circuit-breakers</c> shows it, with its latency estimate now.</summary>
    public EndpointStatus ToStatus(BreakerClock clock, double latencyMs) => new(
        Name,
        Authority,
        InRotation ? EndpointState.Active : EndpointState.Ejected,
        Streaks.Failures,
        Streaks.SlowCalls,
        Ejections,
        EjectedUntil is { } until ? clock.ToWallClock(until) : null,
        EjectionReason,
        Total,
        Failed,
        Math.Round(latencyMs, 2),
        InFlight,
        Limit.Value);

    /// <summary>The instance ejected or back in rotation at <paramref name="at"/>, as the stream and the log report it.</summary>
    public InstanceChange ToChange(BreakerClock clock, TimeSpan at, string reason, long sequence, double latencyMs) => new(
        Name,
        Authority,
        InRotation ? EndpointState.Active : EndpointState.Ejected,
        EjectedUntil is { } until ? clock.ToWallClock(until) : null,
        Ejections,
        clock.ToWallClock(at),
        reason,
        sequence,
        Math.Round(latencyMs, 2),
        InFlight);
}
