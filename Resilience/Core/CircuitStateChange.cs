using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>One change of state. <see cref="Timestamp"/> is wall-clock time, for display.</summary>
public sealed record CircuitStateChange(DateTimeOffset Timestamp, CircuitState From, CircuitState To, string Reason)
{
    /// <summary>1 for the breaker's first change, then one more for each: a reader can tell a missed or repeated change.</summary>
    public long Sequence { get; init; }
}
