using CircuitDemo.Contracts;

namespace CircuitDemo.Resilience.Core;

/// <summary>
/// The breaker's answer to one call: admitted (as a normal call or a probe) or rejected. An admitted permit
/// must be completed exactly once with <see cref="CircuitBreaker.Complete"/>. A struct, so asking costs no allocation.
/// </summary>
internal readonly struct CircuitPermit
{
    internal CircuitPermit(CircuitBreaker issuer, CircuitDecision decision, CircuitState state, long epoch, TimeSpan? retryAfter, long probeId = 0)
    {
        Issuer = issuer;
        Decision = decision;
        State = state;
        Epoch = epoch;
        RetryAfter = retryAfter;
        ProbeId = probeId;
    }

    /// <summary>Allowed, Probe or Rejected.</summary>
    public CircuitDecision Decision { get; }

    /// <summary>The state the decision was taken in.</summary>
    public CircuitState State { get; }

    /// <summary>For a rejection: how long until the breaker may admit calls again; null while isolated.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when the call may go ahead.</summary>
    public bool IsAdmitted => Decision != CircuitDecision.Rejected;

    /// <summary>Which period of the state machine issued the permit; a result from an earlier period changes no state.</summary>
    internal long Epoch { get; }

    /// <summary>The breaker that issued the permit; only it may complete it.</summary>
    internal CircuitBreaker? Issuer { get; }

    /// <summary>For a probe: which probe slot it holds (each probe has its own), so that a slot is given back once.</summary>
    internal long ProbeId { get; }

    /// <summary>Throws unless this permit was admitted by <paramref name="breaker"/>: only its own breaker may complete it.</summary>
    /// <exception cref="ArgumentException">The permit was rejected, or issued by another breaker.</exception>
    internal void ThrowIfNotAdmittedBy(CircuitBreaker breaker)
    {
        if (!IsAdmitted)
        {
            throw new ArgumentException("A rejected permit has no outcome to record.", "permit");
        }

        if (!ReferenceEquals(Issuer, breaker))
        {
            throw new ArgumentException($"The permit was not issued by circuit breaker '{breaker.Name}'.", "permit");
        }
    }
}
