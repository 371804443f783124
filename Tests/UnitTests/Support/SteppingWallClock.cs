using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Support;

/// <summary>
/// A fake clock whose wall time can be stepped (as NTP or a resumed VM does) without moving its monotonic timestamp:
/// <see cref="Advance"/> moves both, <see cref="StepWallClock"/> only the wall clock. With <see cref="LateReads"/> set,
/// every second reading of the wall clock comes back that much late, as when a busy machine deschedules the thread
/// between its reading of the monotonic clock and of the wall clock. <see cref="DescheduleAtNextWallRead"/> lets time
/// pass just before or just after the next wall-clock reading, as when the reading thread is taken off the processor.
/// </summary>
internal sealed class SteppingWallClock : TimeProvider
{
    private readonly FakeTimeProvider _monotonic = new(TestBreakers.Start);
    private TimeSpan _wallOffset;
    private int _wallReads;
    private TimeSpan _descheduled;
    private bool _descheduledBeforeReading;

    public TimeSpan LateReads { get; init; }

    public override long TimestampFrequency => _monotonic.TimestampFrequency;

    public override long GetTimestamp() => _monotonic.GetTimestamp();

    public override DateTimeOffset GetUtcNow()
    {
        var (away, before) = (_descheduled, _descheduledBeforeReading);
        _descheduled = TimeSpan.Zero;
        _monotonic.Advance(before ? away : TimeSpan.Zero);
        var wallClock = _monotonic.GetUtcNow() + _wallOffset + (++_wallReads % 2 == 0 ? LateReads : TimeSpan.Zero);
        _monotonic.Advance(before ? TimeSpan.Zero : away);
        return wallClock;
    }

    public void Advance(TimeSpan elapsed) => _monotonic.Advance(elapsed);

    public void StepWallClock(TimeSpan step) => _wallOffset += step;

    public void DescheduleAtNextWallRead(TimeSpan away, bool beforeReading) => (_descheduled, _descheduledBeforeReading) = (away, beforeReading);
}
