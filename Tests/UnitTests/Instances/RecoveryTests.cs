using Microsoft.Extensions.Time.Testing;
using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// A healthy instance is not starved for long: one that failed and recovered, or whose first call was cold, is back to
/// its share within seconds (the penalty fades ten times faster than a measured latency), where a peak of that size in
/// the latency would keep it out for most of a minute (docs/pattern.md, "Instances, and ejecting a bad one").
/// </summary>
public sealed class RecoveryTests
{
    // The shipped decay (10 s): its penalty fades with a time constant of 1 s. No ejection, so only the choice acts.
    private static readonly ServiceGuardOptions Options = new()
    {
        Breaker = TestBreakers.Options with { FailureThreshold = 1000, AttemptTimeout = TimeSpan.FromSeconds(2.5) },
        Ejection = new() { EjectionConsecutiveFailures = 0, LatencyDecay = TimeSpan.FromSeconds(10) },
    };

    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(5);

    [Fact]
    public void AnInstanceThatFailedOnce_IsBackToItsShareWithinSeconds_NotAMinute()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.Warm(Three, clock, A, B, C);
        Steady(guard, clock, TimeSpan.FromSeconds(5));
        guard.CallOn(Three, B, CallOutcome.Failure, clock, Fast); // charged as a whole attempt timeout, 2.5 s

        var shunned = Steady(guard, clock, TimeSpan.FromSeconds(2));
        var back = Steady(guard, clock, TimeSpan.FromSeconds(10), from: TimeSpan.FromSeconds(8));

        Assert.Equal(0, shunned[B]);
        Assert.InRange(back[B], back.Values.Sum() / 3 / 2, back.Values.Sum());
    }

    [Fact]
    public void AColdFirstCall_KeepsCallsAwayForSeconds_NotAMinute()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.Warm(Three, clock, A, C);
        Steady(guard, clock, TimeSpan.FromSeconds(5), [A, C]);
        guard.CallOn(Three, B, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(300)); // its first call: cold

        var back = Steady(guard, clock, TimeSpan.FromSeconds(10), from: TimeSpan.FromSeconds(6));

        Assert.InRange(back[B], back.Values.Sum() / 3 / 2, back.Values.Sum());
    }

    // Calls of 5 ms, one every 10 ms, for the given time; counts, per instance, those made after `from`.
    private static Dictionary<ServiceInstance, int> Steady(
        ServiceGuard guard, FakeTimeProvider clock, TimeSpan duration, IReadOnlyList<ServiceInstance>? among = null, TimeSpan from = default)
    {
        var counts = Three.ToDictionary(i => i, _ => 0);
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromMilliseconds(10))
        {
            var instance = among is null
                ? guard.Call(Three, _ => CallOutcome.Success, clock, Fast)!
                : guard.Call(Three, _ => CallOutcome.Success, clock, Fast, target: among[(int)(elapsed.Ticks / TimeSpan.TicksPerMillisecond / 10) % among.Count])!;
            counts[instance] += elapsed >= from ? 1 : 0;
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        return counts;
    }
}
