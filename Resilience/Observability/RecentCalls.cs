using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Observability;

/// <summary>
/// The last calls through one guard that were sent, newest last, in a fixed ring: the outcomes the Explain command lists
/// beside the trip rules' counts, so a person sees which calls, to which instances, put the breaker where it is. The
/// rejections since the last sent call are counted apart (<see cref="RejectedSince"/>): an open breaker rejects many
/// calls a second, and they would push the calls that opened it out of the ring within a second. Every call writes one
/// slot in place; the records are built only when someone asks.
/// </summary>
internal sealed class RecentCalls(TimeProvider time)
{
    /// <summary>How many calls are kept.</summary>
    public const int Capacity = 10;

    private readonly Lock _lock = new();
    private readonly Call[] _ring = new Call[Capacity];
    private long _count;
    private long _rejectedSince;
    private long _lastRejection;

    /// <summary>Keeps one call, counted as <paramref name="outcome"/>: a rejection is counted, any other call kept.</summary>
    public void Add(string? instance, CallOutcome outcome, bool slow, TimeSpan duration)
    {
        var call = new Call(time.GetTimestamp(), instance, outcome, slow, duration);
        lock (_lock)
        {
            if (outcome == CallOutcome.Rejected)
            {
                (_rejectedSince, _lastRejection) = (_rejectedSince + 1, call.Timestamp);
            }
            else
            {
                _ring[_count++ % Capacity] = call;
                _rejectedSince = 0;
            }
        }
    }

    /// <summary>How many calls were rejected since the last one sent, and when the last of them was; null when none.</summary>
    public RejectedCalls? RejectedSince()
    {
        long count, last;
        lock (_lock)
        {
            (count, last) = (_rejectedSince, _lastRejection);
        }

        return count == 0 ? null : new RejectedCalls(count, time.GetUtcNow() - time.GetElapsedTime(last));
    }

    /// <summary>The kept calls (sent, not rejected), oldest first.</summary>
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
        return [.. kept.Select(c => new CallRecord(
            now - time.GetElapsedTime(c.Timestamp), c.Instance, NameOf(c.Outcome), c.Slow, Math.Round(c.Duration.TotalMilliseconds, 1)))];
    }

    private static string NameOf(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Success or CallOutcome.ExcusedSlow => CallRecord.Outcomes.Success,
        CallOutcome.Failure => CallRecord.Outcomes.Failure,
        CallOutcome.Excused => CallRecord.Outcomes.InstanceFailure,
        _ => CallRecord.Outcomes.Cancelled,
    };

    private readonly record struct Call(long Timestamp, string? Instance, CallOutcome Outcome, bool Slow, TimeSpan Duration);
}
