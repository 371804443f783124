using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// What guards the calls of one service and operation kind: its breaker (the state machine, which knows nothing of
/// endpoints), the record of each of its endpoints beside it, the timer that notices what falls due in either when no
/// call comes (HalfOpen, an endpoint's return), and its last calls. A reset resets the breaker and the records.
/// </summary>
internal sealed class ServiceGuard : IDisposable
{
    public ServiceGuard(string name, CircuitBreakerOptions options, TimeProvider time, Action<string, Exception>? onSubscriberError)
    {
        Name = name;
        Options = options;
        Breaker = new CircuitBreaker(name, options, time, (_, exception) => onSubscriberError?.Invoke(name, exception));
        Endpoints = new EndpointRecords(name, options, time, random: null, (_, exception) => onSubscriberError?.Invoke(name, exception));
        Due = new DueTimer(time, () => Earliest(Breaker.DueIn, Endpoints.DueIn), ReadDue);
        Recent = new RecentCalls(time);
        Breaker.StateChanged += (_, _) => Due.Rearm();
        Endpoints.Changed += (_, _) => Due.Rearm();
    }

    /// <summary>The breaker's name: the service, with <c>:write</c> for the write side.</summary>
    public string Name { get; }

    /// <summary>The options of both, fixed when the guard was built.</summary>
    public CircuitBreakerOptions Options { get; }

    public CircuitBreaker Breaker { get; }

    public EndpointRecords Endpoints { get; }

    public DueTimer Due { get; }

    /// <summary>The last calls through it, for a person asking why it is where it is.</summary>
    public RecentCalls Recent { get; }

    /// <summary>The breaker's status with its endpoints.</summary>
    public CircuitBreakerStatus Status() => Breaker.GetStatus() with
    {
        Endpoints = Endpoints.Snapshot(),
        EjectionsRefused = Endpoints.EjectionsRefused,
        RecentCalls = Recent.Snapshot(),
        RejectedSince = Recent.RejectedSince(),
    };

    /// <summary>Closes the circuit and brings every endpoint back, forgetting both's counts of trouble.</summary>
    public void Reset()
    {
        Breaker.Reset();
        Endpoints.Reset();
    }

    public void Dispose() => Due.Dispose();

    // Reading records what has fallen due, and raises it.
    private void ReadDue()
    {
        _ = Breaker.State;
        _ = Endpoints.EjectedCount;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
