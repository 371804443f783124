using CircuitDemo.Contracts;

namespace CircuitDemo.FailureModes;

/// <summary>The process-wide failure mode and the count of business requests that reached this service.</summary>
internal sealed class FailureModeState
{
    private FailureMode _current = FailureMode.None;
    private long _businessRequests;

    /// <summary>The mode now in force; swapped atomically, so a request sees one whole mode.</summary>
    public FailureMode Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    /// <summary>Business requests received since start, whatever the mode did to them.</summary>
    public long BusinessRequests => Interlocked.Read(ref _businessRequests);

    internal void CountBusinessRequest() => Interlocked.Increment(ref _businessRequests);
}
