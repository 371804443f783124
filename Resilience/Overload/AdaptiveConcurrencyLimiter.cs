using System.Threading.RateLimiting;

namespace CircuitDemo.Resilience.Overload;

/// <summary>
/// A <see cref="RateLimiter"/> of concurrent calls whose limit moves: at most <c>limit()</c> permits out at once, read
/// at each acquisition (a service's learnt limit, the sum of its instances'). No queue: over the limit the lease is
/// refused at once, as the ecosystem's <see cref="ConcurrencyLimiter"/> with <c>QueueLimit = 0</c> refuses it, so that
/// Polly's rate-limiter strategy answers the call with its rejection. A permit goes back when its lease is disposed, once.
/// </summary>
public sealed class AdaptiveConcurrencyLimiter(Func<int> limit) : RateLimiter
{
    private static readonly RateLimitLease Refused = new Lease(null);

    private int _inFlight;
    private long _refused;

    /// <summary>The permits out now: calls in flight.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The limit now.</summary>
    public int Limit => limit();

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Math.Max(0, limit() - InFlight),
        CurrentQueuedCount = 0,
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        var inFlight = Volatile.Read(ref _inFlight);
        while (inFlight < limit())
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight);
            if (seen == inFlight)
            {
                return new Lease(this);
            }

            inFlight = seen;
        }

        Interlocked.Increment(ref _refused);
        return Refused;
    }

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Lease(AdaptiveConcurrencyLimiter? limiter) : RateLimitLease
    {
        private int _returned;

        public override bool IsAcquired => limiter is not null;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (limiter is not null && Interlocked.Exchange(ref _returned, 1) == 0)
            {
                Interlocked.Decrement(ref limiter._inFlight);
            }
        }
    }
}
