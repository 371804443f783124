using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.ServiceDefaults.Pipeline;

/// <summary>
/// The last calls through one guard, newest last, in a fixed ring: the outcomes the Explain command lists beside the
/// trip rules' counts, so a person sees which calls, to which instances, put the breaker where it is.
/// </summary>
internal sealed class RecentCalls(TimeProvider time)
{
    /// <summary>How many calls are kept.</summary>
    public const int Capacity = 10;

    private readonly Lock _lock = new();
    private readonly CallRecord[] _ring = new CallRecord[Capacity];
    private long _count;

    /// <summary>Keeps one call, counted as <paramref name="outcome"/>.</summary>
    public void Add(string? instance, CallOutcome outcome, bool slow, TimeSpan duration)
    {
        var call = new CallRecord(time.GetUtcNow(), instance, NameOf(outcome), slow, Math.Round(duration.TotalMilliseconds, 1));
        lock (_lock)
        {
            _ring[_count++ % Capacity] = call;
        }
    }

    /// <summary>The kept calls, oldest first.</summary>
    public IReadOnlyList<CallRecord> Snapshot()
    {
        lock (_lock)
        {
            var kept = (int)Math.Min(_count, Capacity);
            return [.. Enumerable.Range(0, kept).Select(i => _ring[(_count - kept + i) % Capacity])];
        }
    }

    private static string NameOf(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Success => CallRecord.Outcomes.Success,
        CallOutcome.Failure => CallRecord.Outcomes.Failure,
        CallOutcome.Excused => CallRecord.Outcomes.InstanceFailure,
        CallOutcome.Cancelled => CallRecord.Outcomes.Cancelled,
        _ => CallRecord.Outcomes.Rejected,
    };
}
