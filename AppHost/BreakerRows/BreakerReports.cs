using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// What each gateway replica last reported of each breaker, kept per stream: a replica's reports come only from its
/// current stream, so a report parsed just before its stream was closed (the replica stopped) cannot bring a stopped
/// replica's state back. Rows read it at the moment they are published (<see cref="RowUpdate"/>), never earlier.
/// </summary>
internal sealed class BreakerReports
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Stream, Dictionary<string, BreakerSummary> Breakers)> _replicas = [];
    private long _lastStream;

    /// <summary>Starts a new stream for <paramref name="replica"/>, forgetting what it reported before; returns the stream's id.</summary>
    public long Open(string replica)
    {
        lock (_lock)
        {
            _replicas[replica] = (++_lastStream, []);
            return _lastStream;
        }
    }

    /// <summary>Forgets <paramref name="replica"/>'s reports if <paramref name="stream"/> is still its current stream.</summary>
    public void Close(string replica, long stream)
    {
        lock (_lock)
        {
            if (_replicas.TryGetValue(replica, out var current) && current.Stream == stream)
            {
                _replicas.Remove(replica);
            }
        }
    }

    /// <summary>Empties <paramref name="replica"/>'s reports (its stream broke) and keeps the stream current for its reconnection.</summary>
    public void Clear(string replica, long stream)
    {
        lock (_lock)
        {
            if (_replicas.TryGetValue(replica, out var current) && current.Stream == stream)
            {
                current.Breakers.Clear();
            }
        }
    }

    /// <summary>Replaces every report of the replica (a snapshot or a status); false when the stream is no longer current.</summary>
    public bool ReplaceAll(string replica, long stream, IEnumerable<BreakerSummary> breakers)
    {
        lock (_lock)
        {
            if (!_replicas.TryGetValue(replica, out var current) || current.Stream != stream)
            {
                return false;
            }

            current.Breakers.Clear();
            foreach (var breaker in breakers)
            {
                current.Breakers[breaker.Name] = breaker;
            }

            return true;
        }
    }

    /// <summary>Takes one breaker's report (after a transition) unless older than what the replica reported already.</summary>
    public bool Apply(string replica, long stream, BreakerSummary breaker)
    {
        lock (_lock)
        {
            if (!_replicas.TryGetValue(replica, out var current) || current.Stream != stream)
            {
                return false;
            }

            if (!current.Breakers.TryGetValue(breaker.Name, out var previous) || previous.Sequence <= breaker.Sequence)
            {
                current.Breakers[breaker.Name] = breaker;
            }

            return true;
        }
    }

    /// <summary>What every replica reports now of one breaker.</summary>
    public IReadOnlyList<BreakerSummary> For(string breakerName)
    {
        lock (_lock)
        {
            return [.. _replicas.Values.Select(r => r.Breakers.GetValueOrDefault(breakerName)).OfType<BreakerSummary>()];
        }
    }

    /// <summary>
    /// What a stub instance's row shows of the gateway's view of <paramref name="address"/>: each breaker (of each
    /// replica) that has it ejected, until when and why, or <c>no</c>; and each read breaker's latency estimate of it and
    /// its calls in flight.
    /// </summary>
    public (string Ejected, string Estimate) InstanceView(string address)
    {
        lock (_lock)
        {
            var seen = _replicas.Values
                .SelectMany(r => r.Breakers.Values)
                .SelectMany(b => (b.Endpoints ?? []).Where(e => e.Address == address).Select(e => (Breaker: b.Name, Endpoint: e)))
                .OrderBy(s => s.Breaker, StringComparer.Ordinal)
                .ToList();
            var ejected = seen
                .Where(s => s.Endpoint.State == EndpointState.Ejected)
                .Select(s => $"by {s.Breaker} until {s.Endpoint.EjectedUntil?.ToLocalTime():HH:mm:ss} ({s.Endpoint.EjectionReason})")
                .Distinct()
                .ToList();
            var estimates = seen
                .Where(s => !s.Breaker.EndsWith(BreakerNames.WriteSuffix, StringComparison.Ordinal))
                .Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Endpoint.LatencyMs:0.#} ms, "
                    + $"{s.Endpoint.InFlight} in flight"))
                .ToList();
            return (ejected.Count > 0 ? string.Join("; ", ejected) : "no", estimates.Count > 0 ? string.Join("; ", estimates) : "-");
        }
    }

    /// <summary>True while some replica reports a next attempt for the breaker (its row counts down).</summary>
    public bool IsCountingDown(string breakerName) => For(breakerName).Any(r => r.NextAttempt is not null);

    /// <summary>
    /// The update of one breaker's row: it reads the reports when Aspire applies it, under the row's own lock, so that
    /// of two publications racing, the later one always shows the later reports (read earlier, a report could be
    /// overtaken and then published last, leaving a row Open after HalfOpen).
    /// </summary>
    public Func<CustomResourceSnapshot, CustomResourceSnapshot> RowUpdate(string breakerName, TimeProvider time) =>
        snapshot => BreakerRowSnapshot.Update(snapshot, For(breakerName), time.GetUtcNow());
}
