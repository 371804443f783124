using System.Threading.RateLimiting;
using CircuitDemo.Contracts;

namespace CircuitDemo.FailureModes;

/// <summary>The process-wide failure mode and the count of business requests that reached this service.</summary>
internal sealed class FailureModeState
{
    private InForce _inForce = new(FailureMode.None, Capacity: null);
    private long _businessRequests;

    /// <summary>The mode now in force; swapped atomically, so a request sees one whole mode.</summary>
    public FailureMode Current
    {
        get => Volatile.Read(ref _inForce).Mode;
        set => Volatile.Write(ref _inForce, new InForce(value, CapacityOf(value)));
    }

    /// <summary>
    /// The <c>capacity</c> mode's server: the ecosystem's concurrency limiter with a queue as long as anyone cares to
    /// wait (a request leaves it after <see cref="FailureMode.QueueTimeoutMs"/>), oldest first, as a server's accept
    /// queue. Null in every other mode; a new mode gets a new, empty one.
    /// </summary>
    public ConcurrencyLimiter? Capacity => Volatile.Read(ref _inForce).Capacity;

    /// <summary>Business requests received since start, whatever the mode did to them.</summary>
    public long BusinessRequests => Interlocked.Read(ref _businessRequests);

    internal void CountBusinessRequest() => Interlocked.Increment(ref _businessRequests);

    private static ConcurrencyLimiter? CapacityOf(FailureMode mode) => mode is { Mode: FailureKind.Capacity, Concurrency: { } concurrency }
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = concurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        })
        : null;

    private sealed record InForce(FailureMode Mode, ConcurrencyLimiter? Capacity);
}
