using System.Diagnostics;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Watches the machine's wall clock against its monotonic clock while a test compares wall-clock times the gateway
/// wrote. The breaker's shown times follow a wall clock stepped by more than a second (NTP on a freshly booted
/// machine, a resumed VM: docs/decisions.md, "The breaker"), so across a step such a comparison holds only up
/// to the step. Without one it must hold exactly; a CI run saw a step of about eight seconds in the middle of a test.
/// </summary>
internal sealed class WallClockWatch
{
    /// <summary>Less than NTP's slewing could move the wall clock during one test (500 ppm of a minute is 30 ms).</summary>
    private static readonly TimeSpan Steady = TimeSpan.FromMilliseconds(50);

    /// <summary>The breaker absorbs smaller steps into its display anchor, so a step can show up to this much more.</summary>
    private static readonly TimeSpan AbsorbedByTheBreaker = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _offsetAtStart = Offset();

    /// <summary>How far the wall clock has been stepped, either way, since the watch started.</summary>
    public TimeSpan Stepped => (Offset() - _offsetAtStart).Duration();

    /// <summary>Two times the gateway showed are exactly <paramref name="expected"/> apart, or within the step of it.</summary>
    public void AssertApart(TimeSpan expected, DateTimeOffset earlier, DateTimeOffset later, string what)
    {
        var stepped = Stepped;
        if (stepped < Steady)
        {
            Assert.Equal(expected, later - earlier);
            return;
        }

        var off = (later - earlier - expected).Duration();
        Assert.True(off <= stepped + AbsorbedByTheBreaker, $"{what}: {(later - earlier).TotalMilliseconds:0} ms apart, expected {expected.TotalMilliseconds:0} ms with the wall clock stepped by {stepped.TotalMilliseconds:0} ms.");
    }

    /// <summary>A time the test saw is less than <paramref name="bound"/> after one the gateway showed, the step allowed for.</summary>
    public void AssertWithin(TimeSpan bound, DateTimeOffset shown, DateTimeOffset seen, string what)
    {
        var stepped = Stepped;
        var allowed = stepped < Steady ? bound : bound + stepped + AbsorbedByTheBreaker;
        Assert.True(seen - shown < allowed, $"{what} {(seen - shown).TotalMilliseconds:0} ms after it happened (bound {bound.TotalMilliseconds:0} ms; wall clock stepped by {stepped.TotalMilliseconds:0} ms).");
    }

    // Wall-clock time less monotonic time, from the tightest of a few bracketed readings: a thread descheduled
    // between the two readings would otherwise look like a step.
    private static TimeSpan Offset()
    {
        var best = (Bracket: TimeSpan.MaxValue, Offset: TimeSpan.Zero);
        for (var i = 0; i < 5 && best.Bracket > TimeSpan.FromMilliseconds(1); i++)
        {
            var before = Stopwatch.GetTimestamp();
            var wallClock = DateTimeOffset.UtcNow;
            var after = Stopwatch.GetTimestamp();
            var bracket = Stopwatch.GetElapsedTime(before, after);
            if (bracket < best.Bracket)
            {
                best = (bracket, wallClock - DateTimeOffset.UnixEpoch - Stopwatch.GetElapsedTime(0, before));
            }
        }

        return best.Offset;
    }
}
