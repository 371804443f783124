namespace CircuitDemo.Resilience.Core;

/// <summary>
/// A breaker's two clocks. Every duration runs on monotonic time since the breaker was built, which a wall clock
/// stepped back or forward (NTP, a resumed VM) does not move. Wall-clock time is for display only, and an instant is
/// shown through one anchor (a wall-clock reading and the monotonic instant it was taken at), so two instants one
/// open duration apart are always shown exactly one open duration apart, however the threads that read the clocks were
/// scheduled. When the wall clock has been stepped by more than a second the anchor is taken again, so what is shown
/// follows the wall clock. Not thread-safe; the breaker's lock guards <see cref="ToWallClock"/>.
/// </summary>
internal sealed class BreakerClock
{
    private static readonly TimeSpan StepToFollow = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly long _createdAt;
    private DateTimeOffset _anchorWallClock;
    private TimeSpan _anchorInstant;

    public BreakerClock(TimeProvider time)
    {
        _time = time;
        _createdAt = time.GetTimestamp();
        _anchorWallClock = time.GetUtcNow();
    }

    /// <summary>Monotonic time since the breaker was built.</summary>
    public TimeSpan Now() => _time.GetElapsedTime(_createdAt);

    /// <summary>The wall-clock time of the monotonic <paramref name="instant"/>.</summary>
    public DateTimeOffset ToWallClock(TimeSpan instant)
    {
        // The wall clock is read between two monotonic readings: a thread descheduled between them (a busy machine, a
        // GC pause) would otherwise look like a stepped wall clock and shift every time shown afterwards.
        var before = Now();
        var wallClock = _time.GetUtcNow();
        var after = Now();
        var drift = wallClock - (_anchorWallClock + (before - _anchorInstant));
        if (after - before < StepToFollow / 2 && drift.Duration() > StepToFollow)
        {
            (_anchorWallClock, _anchorInstant) = (wallClock, before);
        }

        return _anchorWallClock + (instant - _anchorInstant);
    }
}
