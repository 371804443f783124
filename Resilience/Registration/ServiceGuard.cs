using System.Threading.RateLimiting;
using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Hedging;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Overload;

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
        RetryBudget = new RetryBudget(Options.RetryBudget, time);
        Limiter = Options.Limits switch
        {
            { MaxConcurrentCalls: { } max } => new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = max, QueueLimit = 0 }),
            { AdaptiveConcurrency: true } => new AdaptiveConcurrencyLimiter(() => Instances.ConcurrencyLimit),
            _ => null,
        };
        Hedges = Options.Hedging.Enabled && !BreakerNames.Parse(name).IsWrite
            ? new HedgedReads(new HedgeDelay(Options.Hedging, Options.Breaker.AttemptTimeout, time), Breaker, RetryBudget, Instances)
            : null;
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

    /// <summary>What its retries may add to the service's load.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>
    /// How many calls may be in flight to the service at once: the static limit (<c>MaxConcurrentCalls</c>), the
    /// adaptive one (the sum of its instances' learnt limits), or none.
    /// </summary>
    public RateLimiter? Limiter { get; }

    /// <summary>The hedges of its reads; null for the write side, or with <c>HedgeDelay</c> 0.</summary>
    public HedgedReads? Hedges { get; }

    /// <summary>The concurrency limit now and the calls in flight under it; null without a limit.</summary>
    public (int Limit, int InFlight)? Concurrency => Limiter switch
    {
        AdaptiveConcurrencyLimiter adaptive => (adaptive.Limit, adaptive.InFlight),
        ConcurrencyLimiter fixedLimit when Options.Limits.MaxConcurrentCalls is { } max
            => (max, max - (int)(fixedLimit.GetStatistics()?.CurrentAvailablePermits ?? max)),
        _ => null,
    };

    /// <summary>The last calls through it, for a person asking why it is where it is.</summary>
    public RecentCalls Recent { get; }

    /// <summary>The breaker's status with its instances.</summary>
    public ServiceBreakerStatus Status() => new(Breaker.GetStatus())
    {
        Ejection = Options.Ejection with { },
        Limits = Options.Limits with { },
        RetryBudget = Options.RetryBudget with { },
        Retries = new RetryBudgetStatus(RetryBudget.AllowedNow, RetryBudget.Refused),
        Hedging = Options.Hedging with { },
        Hedges = Hedges?.Status,
        Concurrency = Concurrency is var (limit, inFlight) ? Limiter is AdaptiveConcurrencyLimiter
            ? Instances.LastLimitChange is var (change, at) ? new("adaptive", limit, inFlight, change, at) : new("adaptive", limit, inFlight)
            : new("static", limit, inFlight) : null,
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

    public void Dispose()
    {
        Due.Dispose();
        Limiter?.Dispose();
    }

    // Reading records what has fallen due, and raises it.
    private void ReadDue()
    {
        _ = Breaker.State;
        _ = Instances.EjectedCount;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
