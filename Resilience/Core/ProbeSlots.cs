namespace CircuitDemo.Resilience.Core;

/// <summary>
/// HalfOpen's probe slots: each probe still running holds one, by its own id, whichever HalfOpen period admitted it, so
/// HalfOpen never has more than <c>HalfOpenMaxProbes</c> calls in flight, even when an attempt outlives a short open
/// duration. Ids rather than a count, so that a permit completed twice gives back nothing the second time, and a reset
/// can give every slot back (a probe that never completes would otherwise hold its slot for good). Not thread-safe; the
/// breaker's lock guards it.
/// </summary>
internal sealed class ProbeSlots(int slots)
{
    private readonly HashSet<long> _inFlight = [];

    // Probes still running whose slots a reset gave back: completed once more, they change nothing but the counts.
    private readonly HashSet<long> _released = [];
    private long _lastId;

    /// <summary>Takes a free slot and returns the probe's id; 0 when every slot is taken.</summary>
    public long TryTake()
    {
        if (_inFlight.Count >= slots)
        {
            return 0;
        }

        _inFlight.Add(++_lastId);
        return _lastId;
    }

    /// <summary>True while the probe holds its slot, or after a reset took the slot back, until it completes.</summary>
    public bool IsRunning(long id) => _inFlight.Contains(id) || _released.Contains(id);

    /// <summary>The probe completed: its slot is free (after a reset gave it back, there is none left to give).</summary>
    public void GiveBack(long id)
    {
        if (!_inFlight.Remove(id))
        {
            _released.Remove(id);
        }
    }

    /// <summary>A reset: every slot is free at once; the probes still running complete later without one.</summary>
    public void ReleaseAll()
    {
        _released.UnionWith(_inFlight);
        _inFlight.Clear();
    }
}
