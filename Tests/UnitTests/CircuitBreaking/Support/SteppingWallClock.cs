using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// A fake clock whose wall time can be stepped (as NTP or a resumed VM does) without moving its monotonic timestamp:
/// <see cref="Advance"/> moves both, <see cref="StepWallClock"/> only the wall clock.
/// </summary>
internal sealed class SteppingWallClock : TimeProvider
{
    private readonly FakeTimeProvider _monotonic = new(TestBreakers.Start);
    private TimeSpan _wallOffset;

    public override long TimestampFrequency => _monotonic.TimestampFrequency;

    public override long GetTimestamp() => _monotonic.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _monotonic.GetUtcNow() + _wallOffset;

    public void Advance(TimeSpan elapsed) => _monotonic.Advance(elapsed);

    public void StepWallClock(TimeSpan step) => _wallOffset += step;
}
