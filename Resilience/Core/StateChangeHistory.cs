namespace CircuitDemo.Resilience.Core;

/// <summary>The most recent changes of state of one breaker, in a fixed ring. Not thread-safe; the breaker's lock guards it.</summary>
internal sealed class StateChangeHistory(long alreadyRecorded = 0)
{
    /// <summary>How many changes are kept.</summary>
    public const int Capacity = 50;

    private readonly CircuitStateChange[] _ring = new CircuitStateChange[Capacity];

    /// <summary>Every change recorded since the breaker was built; 64-bit, so it never wraps.</summary>
    public long Count { get; private set; } = alreadyRecorded;

    public void Add(CircuitStateChange change)
    {
        _ring[Count % Capacity] = change;
        Count++;
    }

    /// <summary>The kept changes, oldest first.</summary>
    public CircuitStateChange[] Recent()
    {
        var kept = (int)Math.Min(Count, Capacity);
        var changes = new CircuitStateChange[kept];
        for (var i = 0; i < kept; i++)
        {
            changes[i] = _ring[(Count - kept + i) % Capacity];
        }

        return changes;
    }
}
