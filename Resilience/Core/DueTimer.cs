namespace CircuitDemo.Resilience.Core;

/// <summary>
/// Notices what falls due when no call comes to notice it: an Open circuit turning HalfOpen, or whatever else its
/// owner says is due. One timer per owner, from the injected <see cref="TimeProvider"/>, armed only while something is due. When it
/// fires it reads its owner (the reading itself records the change, stamped with the moment it was due, and raises it),
/// then arms itself for whatever is due next; so a timer that fires a little early simply looks again later, and every
/// host gets its events, gauges and logs on time.
/// </summary>
/// <param name="time">The clock the timer runs on.</param>
/// <param name="dueIn">How long until the next thing falls due; null when nothing will.</param>
/// <param name="read">Reads the owner, which records whatever has fallen due.</param>
internal sealed class DueTimer(TimeProvider time, Func<TimeSpan?> dueIn, Action read) : IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Arms the timer for the next due time, or stops it; call after every change of the owner.</summary>
    public void Rearm()
    {
        // Asked under this lock, so that of two rearms racing the later one sets the timer from the later state.
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var wait = dueIn();
            if (wait is null)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            _timer ??= time.CreateTimer(static state => ((DueTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(wait.Value > TimeSpan.Zero ? wait.Value : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void Fire()
    {
        read();
        Rearm();
    }
}
