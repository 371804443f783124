using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// What guards the calls of one service and operation kind: its breaker (the state machine, which knows nothing of
/// instances), the record of each of its instances beside it, the timer that notices what falls due in either when no
/// call comes (HalfOpen, an instance's return), and its last calls. A reset resets the breaker and the records.
/// </summary>
internal sealed class ServiceGuard : IDisposable
{
    public ServiceGuard(string name, ServiceGuardOptions options, TimeProvider time, Action<string, Exception>? onSubscriberError)
    {
        Name = name;
        Options = options.Copy();
        Breaker = new CircuitBreaker(name, Options.Breaker, time, (_, exception) => onSubscriberError?.Invoke(name, exception));
        Instances = new InstanceRecords(
            name, Options.Ejection, Options.Breaker, time, random: null, (_, exception) => onSubscriberError?.Invoke(name, exception));
        Due = new DueTimer(time, () => Earliest(Breaker.DueIn, Instances.DueIn), ReadDue);
        Recent = new RecentCalls(time);
        Breaker.StateChanged += (_, _) => Due.Rearm();
        Instances.Changed += (_, _) => Due.Rearm();
    }

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

    /// <summary>The options of all its parts, copied when the guard was built.</summary>
    public ServiceGuardOptions Options { get; }

    public CircuitBreaker Breaker { get; }

    public InstanceRecords Instances { get; }

    public DueTimer Due { get; }

    /// <summary>The last calls through it, for a person asking why it is where it is.</summary>
    public RecentCalls Recent { get; }

    /// <summary>The breaker's status with its instances.</summary>
    public ServiceBreakerStatus Status() => new(Breaker.GetStatus())
    {
        Ejection = Options.Ejection with { },
        Limits = Options.Limits with { },
        Endpoints = Instances.Snapshot(),
        EjectionsAllowed = Instances.EjectionsAllowed,
        EjectionsRefused = Instances.EjectionsRefused,
        RecentCalls = Recent.Snapshot(),
        RejectedSince = Recent.RejectedSince(),
    };

    /// <summary>Closes the circuit and brings every instance back, forgetting both's counts of trouble.</summary>
    public void Reset()
    {
        Breaker.Reset();
        Instances.Reset();
    }

    public void Dispose() => Due.Dispose();

    // Reading records what has fallen due, and raises it.
    private void ReadDue()
    {
        _ = Breaker.State;
        _ = Instances.EjectedCount;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
