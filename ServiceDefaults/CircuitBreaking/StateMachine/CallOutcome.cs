namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>How an admitted call ended, as the breaker counts it.</summary>
internal enum CallOutcome
{
    /// <summary>Counts as a success.</summary>
    Success,

    /// <summary>Counts as a failure towards the trip rules.</summary>
    Failure,

    /// <summary>Cancelled by its own caller: neither success nor failure, counted apart; a HalfOpen probe slot is returned.</summary>
    Cancelled,

    /// <summary>
    /// Failed, but its endpoint answers for it (<see cref="EndpointRecords.Settle"/>): a failed call in the totals, and
    /// nothing towards the service's trip rules; a HalfOpen probe slot is returned.
    /// </summary>
    EndpointFailure,
}
