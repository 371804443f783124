using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Instances;

/// <summary>An instance's failures and slow calls in a row.</summary>
internal readonly record struct Streaks(int Failures, int SlowCalls);

/// <summary>
/// The rest of the service as one settled call finds it: how many instances are listed, how many of them are out, and
/// whether another instance in rotation is clear of a failure streak, or of a slow-call streak.
/// </summary>
internal readonly record struct Rotation(int Listed, int Ejected, bool AnotherClearOfFailures, bool AnotherClearOfSlowCalls)
{
    /// <summary>The rotation as <paramref name="settled"/>'s call finds it among <paramref name="instances"/>.</summary>
    public static Rotation Of(InstanceRecord[] instances, InstanceRecord settled)
    {
        var (ejected, clearOfFailures, clearOfSlowCalls) = (0, false, false);
        foreach (var other in instances)
        {
            ejected += other.InRotation ? 0 : 1;
            var inRotation = other != settled && other.InRotation;
            clearOfFailures |= inRotation && other.Streaks.Failures == 0;
            clearOfSlowCalls |= inRotation && other.Streaks.SlowCalls == 0;
        }

        return new Rotation(instances.Length, ejected, clearOfFailures, clearOfSlowCalls);
    }
}

/// <summary>What one settled call does to its instance and how the service's breaker counts it.</summary>
/// <param name="Streaks">The instance's streaks after the call.</param>
/// <param name="EjectFor">Why the instance is ejected now; null when it is not.</param>
/// <param name="Refused">The call brought a streak to its threshold while the cap allowed no more ejection.</param>
/// <param name="Counted">How the service's breaker counts the call.</param>
internal readonly record struct EjectionVerdict(Streaks Streaks, string? EjectFor, bool Refused, ServiceVerdict Counted);

/// <summary>
/// When an instance is ejected, for how long, and whose failure a failure is, as a pure function of the instance's
/// streaks and the rest of the service (as Envoy's outlier detection decides, and as <see cref="TripPolicy"/> decides for
/// the breaker). No clock, no lock, no list: <see cref="InstanceRecords"/> keeps those and applies the verdicts.
/// </summary>
internal sealed class EjectionPolicy(EjectionOptions options, TimeSpan? slowCallDuration)
{
    /// <summary>Failures in a row that eject; 0 never ejects.</summary>
    public int FailureThreshold => options.EjectionConsecutiveFailures;

    /// <summary>Slow calls in a row that eject; 0 never ejects, nor without the slow-call rule (no call is slow then).</summary>
    public int SlowCallThreshold => slowCallDuration is null ? 0 : options.EjectionConsecutiveSlowCalls;

    /// <summary>
    /// The cap: how many of <paramref name="listed"/> instances may be out at once. A share of them
    /// (<c>MaxEjectionPercent</c>), rounded down, and never the last one: of three, one; of one, none.
    /// </summary>
    public static int Allowed(int listed, int maxEjectionPercent) => Math.Max(Math.Min(listed * maxEjectionPercent / 100, listed - 1), 0);

    /// <inheritdoc cref="Allowed(int, int)"/>
    public int Allowed(int listed) => Allowed(listed, options.MaxEjectionPercent);

    /// <summary>How long the <paramref name="ejections"/>-th ejection in a row lasts: the base time that many times, capped.</summary>
    public TimeSpan Duration(int ejections)
    {
        var grown = options.BaseEjectionTime * ejections;
        return grown < options.MaxEjectionTime ? grown : options.MaxEjectionTime;
    }

    /// <summary>
    /// The verdict on one call of an instance in rotation. A failure (or a slow call) stays the instance's while it
    /// answers for it: it is ejected for it now, or one more instance may still be ejected and another instance in
    /// rotation is clear of such a streak (when every instance fails alike, it is the service that fails, and its
    /// breaker must hear it). A call is one refused ejection at most, even when it brings both streaks to their thresholds.
    /// </summary>
    public EjectionVerdict Judge(Streaks before, bool failed, bool slow, Rotation rotation)
    {
        var streaks = new Streaks(failed ? before.Failures + 1 : 0, slow ? before.SlowCalls + 1 : 0);
        var room = rotation.Ejected < Allowed(rotation.Listed);
        var byFailures = failed ? Due(streaks.Failures, FailureThreshold, room, rotation) : Ejection.NotDue;
        var bySlowCalls = slow && byFailures != Ejection.Ejected ? Due(streaks.SlowCalls, SlowCallThreshold, room, rotation) : Ejection.NotDue;
        var ejectFor = byFailures == Ejection.Ejected ? $"{streaks.Failures} consecutive failures"
            : bySlowCalls == Ejection.Ejected ? $"{streaks.SlowCalls} consecutive calls slower than "
                + $"{Contracts.DurationText.Seconds(slowCallDuration!.Value)}"
            : null;
        var refused = byFailures == Ejection.Refused || bySlowCalls == Ejection.Refused;

        // A slow call the instance answers for is neutral for the service, as a failure it answers for is: not a fast
        // success (it would dilute the slow-call window, and as a probe it could close the circuit).
        var ejected = ejectFor is not null;
        var slowExcused = slow && (ejected || (SlowCallThreshold > 0 && room && rotation.AnotherClearOfSlowCalls));
        ServiceVerdict counted;
        if (failed)
        {
            var excused = ejected || (FailureThreshold > 0 && room && rotation.AnotherClearOfFailures);
            counted = new(excused ? CallOutcome.Excused : CallOutcome.Failure, Slow: slow && !slowExcused);
        }
        else
        {
            counted = slowExcused ? new(CallOutcome.ExcusedSlow, Slow: false) : new(CallOutcome.Success, slow);
        }

        return new EjectionVerdict(streaks, ejectFor, refused, counted);
    }

    // Refused by the cap only when the streak reaches the threshold (once per streak; one instance alone is never
    // ejected, which is no refusal).
    private static Ejection Due(int streak, int threshold, bool room, Rotation rotation) =>
        threshold == 0 || streak < threshold ? Ejection.NotDue
        : room ? Ejection.Ejected
        : streak == threshold && rotation.Listed > 1 ? Ejection.Refused
        : Ejection.NotDue;

    private enum Ejection
    {
        NotDue,
        Ejected,
        Refused,
    }
}
