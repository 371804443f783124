using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.ServiceDefaults.Pipeline;

/// <summary>
/// The last calls through one guard, newest last, in a fixed ring: the outcomes the Explain command lists beside the
/// trip rules' counts, so a person sees which calls, to which instances, put the breaker where it is. Every call writes
/// one slot in place; the records are built only when someone asks.
/// </summary>
internal sealed class RecentCalls(TimeProvider time)
{
    /// <summary>How many calls are kept.</summary>
    public const int Capacity = 10;

    private readonly Lock _lock = new();
    private readonly Call[] _ring = new Call[Capacity];
    private long _count;

    /// <summary>Keeps one call, counted as <paramref name="outcome"/>.</summary>
    public void Add(string? instance, CallOutcome outcome, bool slow, TimeSpan duration)
    {
        var call = new Call(time.GetTimestamp(), instance, outcome, slow, duration);
        lock (_lock)
        {
            _ring[_count++ % Capacity] = call;
        }
    }

    /// <summary>The kept calls, oldest first.</summary>
    public IReadOnlyList<CallRecord> Snapshot()
    {
        Call[] kept;
        lock (_lock)
        {
            var count = (int)Math.Min(_count, Capacity);
            kept = [.. Enumerable.Range(0, count).Select(i => _ring[(_count - count + i) % Capacity])];
        }

        // Each call's time of day from its timestamp: the monotonic clock, read once per call, is the cheaper one.
        var now = time.GetUtcNow();
        return [.. kept.Select(c => new CallRecord(now - time.GetElapsedTime(c.Timestamp), c.Instance, NameOf(c.Outcome), c.Slow, Math.Round(c.Duration.TotalMilliseconds, 1)))];
    }

    private static string NameOf(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Success or CallOutcome.ExcusedSlow => CallRecord.Outcomes.Success,
        CallOutcome.Failure => CallRecord.Outcomes.Failure,
        CallOutcome.Excused => CallRecord.Outcomes.InstanceFailure,
        CallOutcome.Cancelled => CallRecord.Outcomes.Cancelled,
        _ => CallRecord.Outcomes.Rejected,
    };

    private readonly record struct Call(long Timestamp, string? Instance, CallOutcome Outcome, bool Slow, TimeSpan Duration);
}
