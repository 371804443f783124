using System.Threading.Channels;
using Microsoft.Extensions.Options;
using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>
/// Hands every breaker's changes of state to the stream's readers, as they happen. It also makes an Open circuit turn
/// HalfOpen at the moment it is due even without traffic: when a breaker opens, a one-shot timer reads its state at
/// the next attempt time, and the reading itself records the change. The breaker never starts a timer of its own.
/// </summary>
public sealed class TransitionFeed : IHostedService, IDisposable
{
    // A reader this far behind is dropped (its stream ends; it reconnects and gets a fresh snapshot) rather than
    // silently missing changes.
    private const int MaxBacklog = 1024;

    private readonly Lock _lock = new(); // guards the readers and the timers; never held while a breaker is called, except to read when due
    private readonly List<Channel<(CircuitBreaker Breaker, object Change)>> _readers = [];
    private readonly Dictionary<CircuitBreaker, ITimer> _dueProbes = [];
    private readonly HashSet<ITimer> _dueReturns = [];
    private readonly TimeProvider _time;
    private readonly int _maxReaders;

    /// <summary>Starts observing every breaker of the registry.</summary>
    public TransitionFeed(CircuitBreakerRegistry registry, TimeProvider time, IOptions<CircuitBreakerStreamOptions> options)
    {
        _time = time;
        _maxReaders = options.Value.MaxStreams;
        registry.ObserveBreakers(breaker =>
        {
            breaker.StateChanged += OnStateChanged;
            breaker.EndpointChanged += OnEndpointChanged;
        });
    }

    /// <summary>A reader of every change from now on (dispose it to stop reading), or null when the readers are at their cap.</summary>
    public Reader? TrySubscribe()
    {
        var channel = Channel.CreateBounded<(CircuitBreaker, object)>(new BoundedChannelOptions(MaxBacklog) { SingleReader = true });
        lock (_lock)
        {
            if (_readers.Count >= _maxReaders)
            {
                return null;
            }

            _readers.Add(channel);
        }

        return new Reader(this, channel);
    }

    /// <summary>Nothing to start: created with the host, so that due probes are read from the start.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the due-probe timers.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops the due-probe timers.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var timer in _dueProbes.Values)
            {
                timer.Dispose();
            }

            _dueProbes.Clear();
            foreach (var timer in _dueReturns)
            {
                timer.Dispose();
            }

            _dueReturns.Clear();
        }
    }

    private void OnStateChanged(CircuitBreaker breaker, CircuitStateChange change)
    {
        lock (_lock)
        {
            Publish_NeedsLock(breaker, change);
            ScheduleDueProbe_NeedsLock(breaker);
        }
    }

    // An ejected endpoint is back once its time is over: a one-shot timer reads the breaker's endpoints then, and the
    // reading itself records the return (and so raises it), with or without traffic.
    private void OnEndpointChanged(CircuitBreaker breaker, EndpointChange change)
    {
        lock (_lock)
        {
            Publish_NeedsLock(breaker, change);
            if (change is { State: EndpointState.Ejected, EjectedUntil: { } until })
            {
                ITimer? timer = null;
                timer = _time.CreateTimer(
                    _ =>
                    {
                        _ = breaker.GetStatus();
                        lock (_lock)
                        {
                            _dueReturns.Remove(timer!);
                        }

                        timer!.Dispose();
                    },
                    null,
                    TimeSpan.FromMilliseconds(Math.Max(1, (until - _time.GetUtcNow()).TotalMilliseconds + 1)),
                    Timeout.InfiniteTimeSpan);
                _dueReturns.Add(timer);
            }
        }
    }

    private void Publish_NeedsLock(CircuitBreaker breaker, object change)
    {
        foreach (var reader in _readers)
        {
            if (!reader.Writer.TryWrite((breaker, change)))
            {
                reader.Writer.TryComplete(new InvalidOperationException("The stream's reader fell too far behind."));
            }
        }
    }

    // Reading the state of an Open breaker whose time is up records its change to HalfOpen (and so raises it).
    private void ScheduleDueProbe_NeedsLock(CircuitBreaker breaker)
    {
        if (_dueProbes.Remove(breaker, out var previous))
        {
            previous.Dispose();
        }

        if (breaker.GetStatus() is { State: CircuitState.Open, RetryAfterMs: { } waitMs })
        {
            _dueProbes[breaker] = _time.CreateTimer(
                state => ReadWhenDue((CircuitBreaker)state!), breaker, TimeSpan.FromMilliseconds(Math.Max(1, waitMs)), Timeout.InfiniteTimeSpan);
        }
    }

    private void ReadWhenDue(CircuitBreaker breaker)
    {
        if (breaker.State == CircuitState.Open)
        {
            lock (_lock)
            {
                ScheduleDueProbe_NeedsLock(breaker); // not yet (a clock's rounding): look again when it is
            }
        }
    }

    private void Remove(Channel<(CircuitBreaker, object)> channel)
    {
        lock (_lock)
        {
            _readers.Remove(channel);
        }
    }

    /// <summary>One stream's view of the feed.</summary>
    public sealed class Reader(TransitionFeed feed, Channel<(CircuitBreaker Breaker, object Change)> channel) : IDisposable
    {
        /// <summary>The changes, in the order each breaker made them.</summary>
        public ChannelReader<(CircuitBreaker Breaker, object Change)> Changes => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
