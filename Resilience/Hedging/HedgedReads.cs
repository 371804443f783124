using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Overload;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// The hedged reads of one service: when a hedge is due (<see cref="Delay"/>), whether one is sent, and what became of
/// those sent. A hedge is sent only for a read whose first attempt is still unanswered, while the circuit is Closed
/// (never beside a HalfOpen probe), and when the service's retry budget pays for it; each hedge due is counted once,
/// won, lost or refused. A read that cannot be hedged at all (one with a body, or of a service with one instance in
/// rotation: a hedge goes to another instance; <see cref="CanHedge"/>), or of a service without a tail now (<see
/// cref="HedgeDelay.Armed"/>), does not go through the hedging at all.
/// </summary>
internal sealed class HedgedReads(HedgeDelay delay, CircuitBreaker breaker, RetryBudget budget, InstanceRecords instances)
{
    private long _sent;
    private long _won;
    private long _refused;

    /// <summary>Told of every hedge due, once, as it is counted: <c>won</c>, <c>lost</c> or <c>refused</c> (the telemetry).</summary>
    public event Action<string>? Counted;

    /// <summary>When a read's hedge is due.</summary>
    public HedgeDelay Delay { get; } = delay;

    /// <summary>The hedges now: the delay, whether armed, and those sent, won and refused so far.</summary>
    public HedgingStatus Status => new(
        Math.Round(Delay.Now.TotalMilliseconds, 1),
        Delay.Armed,
        Interlocked.Read(ref _sent),
        Interlocked.Read(ref _won),
        Interlocked.Read(ref _refused));

    /// <summary>
    /// Whether a read of <paramref name="request"/> could be hedged at all: not when it has a body (it is not copied), nor
    /// when the service has no other instance in rotation to send a hedge to (not known before its first call). It is
    /// hedged only while <see cref="HedgeDelay.Armed"/> too.
    /// </summary>
    public bool CanHedge(HttpRequestMessage request) => request.Content is null && instances.InRotation is not (0 or 1);

    /// <summary>
    /// Decides, once per read, whether its hedge is sent now. Not when the first attempt has already ended (it failed
    /// fast: the retry's job, not a hedge's); refused when the circuit is not Closed or the retry budget is spent.
    /// </summary>
    public bool TrySend(HedgedRead read)
    {
        if (read.FirstEnded || !read.Decide())
        {
            return false;
        }

        Delay.ObserveLate();

        if (breaker.State != CircuitState.Closed || !budget.TryWithdraw())
        {
            Count(ref _refused, "refused");
            return false;
        }

        read.Send();
        return true;
    }

    /// <summary>Counts what became of a read's hedge once the read has ended: won when its answer was the one used.</summary>
    public void Settle(HedgedRead read, bool hedgeWon)
    {
        if (!read.Sent)
        {
            return;
        }

        if (read.OverLimit)
        {
            Count(ref _refused, "refused");
            return;
        }

        Interlocked.Increment(ref _sent);
        if (hedgeWon)
        {
            Count(ref _won, "won");
        }
        else
        {
            Counted?.Invoke("lost");
        }
    }

    private void Count(ref long counter, string outcome)
    {
        Interlocked.Increment(ref counter);
        Counted?.Invoke(outcome);
    }
}
