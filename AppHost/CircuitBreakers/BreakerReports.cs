using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.CircuitBreakers;

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
    /// The text a stub instance's row shows of the gateway's ejections of <paramref name="address"/>: each breaker (and
    /// replica) that has it out, and until when; <c>no</c> when none has.
    /// </summary>
    public string EjectionOf(string address)
    {
        lock (_lock)
        {
            var ejections = _replicas.Values
                .SelectMany(r => r.Breakers.Values)
                .SelectMany(b => (b.Endpoints ?? []).Where(e => e.State == EndpointState.Ejected && e.Address == address).Select(e => (b.Name, e.EjectedUntil)))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => $"by {e.Name} until {e.EjectedUntil?.ToLocalTime():HH:mm:ss}")
                .Distinct()
                .ToList();
            return ejections.Count > 0 ? string.Join("; ", ejections) : "no";
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
