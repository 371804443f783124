namespace CircuitDemo.Resilience.Core;

/// <summary>How an admitted call ended, as the breaker counts it.</summary>
internal enum CallOutcome
{
    /// <summary>Counts as a success.</summary>
    Success,

    /// <summary>Counts as a failure towards the trip rules.</summary>
    Failure,

    /// <summary>Cancelled by its own caller: neither success nor failure, counted apart; a probe gives its slot back.</summary>
    Cancelled,

    /// <summary>
    /// Failed, but something else answers for the failure (the caller's judgement, such as the part of the service it
    /// went to, taken out for it): one of the failed requests in the totals, left out of every trip rule; a probe gives its slot back.
    /// </summary>
    Excused,

    /// <summary>
    /// Answered, but slower than <c>SlowCallDuration</c>, and something else answers for the slowness, as for an
    /// excused failure: one of the successful requests in the totals, left out of every trip rule, neither a
    /// good nor a bad probe (a probe gives its slot back), as an excused failure is.
    /// </summary>
    ExcusedSlow,

    /// <summary>Rejected: one of the rejected requests in the totals, nothing else; a probe gives its slot back.</summary>
    Rejected,
}
