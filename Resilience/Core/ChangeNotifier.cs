using System.Collections.Concurrent;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// Delivers the changes of a breaker (or of anything else kept under a lock) to their subscribers after the lock they were made
/// under is released: in the order the changes happened, one at a time, each subscriber isolated from the others'
/// exceptions. Changes are queued under that lock; whichever thread finds nobody delivering drains the queue, so a
/// thread never waits for another and a subscriber that calls back into its sender is delivered its new change right
/// after it returns.
/// </summary>
internal sealed class ChangeNotifier<TSender, TChange>(TSender sender, Action<TSender, Exception>? onSubscriberError)
{
    private readonly ConcurrentQueue<TChange> _pending = new();
    private readonly Lock _subscribeLock = new();
    private Action<TSender, TChange>[] _subscribers = [];
    private int _queued; // how many changes the queue holds: one read tells an idle sender there is nothing to deliver
    private int _delivering;

    public void Subscribe(Action<TSender, TChange>? subscriber)
    {
        if (subscriber is not null)
        {
            lock (_subscribeLock)
            {
                _subscribers = [.. _subscribers, subscriber];
            }
        }
    }

    public void Unsubscribe(Action<TSender, TChange>? subscriber)
    {
        lock (_subscribeLock)
        {
            var index = Array.LastIndexOf(_subscribers, subscriber);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers[..index], .. _subscribers[(index + 1)..]];
            }
        }
    }

    /// <summary>Queues a change; called under the lock it was made under, so the queue's order is the order of the changes.</summary>
    public void Enqueue_NeedsLock(TChange change)
    {
        _pending.Enqueue(change);
        Interlocked.Increment(ref _queued);
    }

    /// <summary>
    /// Delivers what is queued, unless another thread is delivering already (it then delivers these too). Called after
    /// every operation of the sender: with nothing queued it costs one read of a counter.
    /// </summary>
    public void Deliver()
    {
        while (Volatile.Read(ref _queued) > 0)
        {
            if (Interlocked.CompareExchange(ref _delivering, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (_pending.TryDequeue(out var change))
                {
                    Interlocked.Decrement(ref _queued);
                    Raise(change);
                }
            }
            finally
            {
                // A full fence before the queue is looked at again: a change queued by a thread that found this one
                // still delivering is either seen by that look or delivered by that thread itself.
                Interlocked.Exchange(ref _delivering, 0);
            }
        }
    }

    private void Raise(TChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(sender, change);
            }
            catch (Exception exception)
            {
                // A throwing subscriber (a logger provider can throw) must never break the breaker, the call that
                // caused the change, or the subscribers after it.
                ReportSubscriberError(exception);
            }
        }
    }

    private void ReportSubscriberError(Exception exception)
    {
        try
        {
            onSubscriberError?.Invoke(sender, exception);
        }
        catch (Exception)
        {
            // The error reporter failing as well leaves nothing sensible to do; the breaker carries on.
        }
    }
}
