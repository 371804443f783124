using System.Threading.Channels;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>
/// Hands every breaker's changes (of state, and of an endpoint's) to the stream's readers as they happen: a fan-out of
/// the registry's own events. What falls due without traffic (HalfOpen, an endpoint's return) is raised on time by the
/// breakers themselves, in ServiceDefaults, so the feed holds no timer.
/// </summary>
public sealed class TransitionFeed
{
    // A reader this far behind is dropped (its stream ends; it reconnects and gets a fresh snapshot) rather than
    // silently missing changes.
    private const int MaxBacklog = 1024;

    private readonly Lock _lock = new();
    private readonly List<Channel<(string Breaker, object Change)>> _readers = [];
    private readonly int _maxReaders;

    /// <summary>Starts following every breaker of the registry.</summary>
    public TransitionFeed(CircuitBreakerRegistry registry, IOptions<CircuitBreakerStreamOptions> options)
    {
        _maxReaders = options.Value.MaxStreams;
        registry.ObserveChanges((breaker, change) => Publish(breaker, change), (breaker, change) => Publish(breaker, change));
    }

    /// <summary>A reader of every change from now on (dispose it to stop reading), or null when the readers are at their cap.</summary>
    public Reader? TrySubscribe()
    {
        var channel = Channel.CreateBounded<(string, object)>(new BoundedChannelOptions(MaxBacklog) { SingleReader = true });
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

    private void Publish(string breaker, object change)
    {
        lock (_lock)
        {
            foreach (var reader in _readers)
            {
                if (!reader.Writer.TryWrite((breaker, change)))
                {
                    reader.Writer.TryComplete(new InvalidOperationException("The stream's reader fell too far behind."));
                }
            }
        }
    }

    private void Remove(Channel<(string, object)> channel)
    {
        lock (_lock)
        {
            _readers.Remove(channel);
        }
    }

    /// <summary>One stream's view of the feed.</summary>
    public sealed class Reader(TransitionFeed feed, Channel<(string Breaker, object Change)> channel) : IDisposable
    {
        /// <summary>The changes, in the order each breaker made them.</summary>
        public ChannelReader<(string Breaker, object Change)> Changes => channel.Reader;

        public void Dispose() => feed.Remove(channel);
    }
}
