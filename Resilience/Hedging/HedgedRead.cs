using Polly;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// One read's hedge, shared by its attempts: Polly's hedging gives each attempt a copy of the call's context, and this
/// object is the one value they all hold. It keeps the service's address, whether the first attempt has ended, and
/// what became of the hedge.
/// </summary>
internal sealed class HedgedRead(Uri service)
{
    /// <summary>Where the call keeps it.</summary>
    public static readonly ResiliencePropertyKey<HedgedRead> Key = new("CircuitDemo.HedgedRead");

    /// <summary>
    /// Set on the hedge's own context. After the call it is true on the call's context only if the hedge's answer was
    /// the one used: Polly copies back the properties of the attempt it accepted.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> IsHedge = new("CircuitDemo.IsHedge");

    private volatile bool _firstEnded;
    private volatile bool _overLimit;
    private int _decided;

    /// <summary>The service's own address, as the caller asked for it (each attempt rewrites its request to an instance).</summary>
    public Uri Service { get; } = service;

    /// <summary>The first attempt has ended: a hedge wanted now would stand in for a retry, which is not its job.</summary>
    public bool FirstEnded => _firstEnded;

    /// <summary>The hedge was decided on: sent or refused.</summary>
    public bool Decided => Volatile.Read(ref _decided) != 0;

    /// <summary>The hedge was sent.</summary>
    public bool Sent { get; private set; }

    /// <summary>The concurrency limit turned the sent hedge away: it counts as refused.</summary>
    public bool OverLimit => _overLimit;

    public void EndFirst() => _firstEnded = true;

    /// <summary>True the first time only: the one decision on the read's hedge.</summary>
    public bool Decide() => Interlocked.Exchange(ref _decided, 1) == 0;

    public void Send() => Sent = true;

    public void TurnedAway() => _overLimit = true;
}
