namespace CircuitDemo.Resilience.Core;

/// <summary>
/// The optional slow-call trip rule: whether each of the last N completed calls was slow, in a fixed ring, so memory is
/// constant whatever the traffic. Count-based on purpose (as Resilience4j's default): a time window full of a busy
/// minute's fast calls would hide a brownout for as long as the window lasts, and a client that waits for its answers
/// slows down with the service, so slow calls would take the whole window to outnumber them. It trips only on a full
/// window. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class SlowCallRing(int size, double ratio)
{
    private readonly bool[] _slow = new bool[size];
    private int _next;

    /// <summary>Completed calls in the ring (at most its size).</summary>
    public int Count { get; private set; }

    /// <summary>Slow calls among them.</summary>
    public int SlowCount { get; private set; }

    /// <summary>Records one completed call; true when the window is full and the share of slow calls reaches the ratio.</summary>
    public bool Record(bool slow)
    {
        if (Count == _slow.Length)
        {
            SlowCount -= _slow[_next] ? 1 : 0;
        }
        else
        {
            Count++;
        }

        _slow[_next] = slow;
        SlowCount += slow ? 1 : 0;
        _next = (_next + 1) % _slow.Length;
        return Count == _slow.Length && SlowCount >= ratio * Count;
    }

    public void Reset()
    {
        Array.Clear(_slow);
        _next = 0;
        Count = 0;
        SlowCount = 0;
    }
}
