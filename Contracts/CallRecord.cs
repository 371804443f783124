namespace CircuitDemo.Contracts;

/// <summary>
/// One of the last calls through a breaker, as <c>/circuit-breakers</c> and the Explain command show them: when it
/// ended, the instance it went to (none when it was rejected before one was chosen), how the breaker counted it
/// (<see cref="Outcomes"/>), whether it was slow, and how long it took.
/// </summary>
public sealed record CallRecord(DateTimeOffset Time, string? Instance, string Outcome, bool Slow, double DurationMs)
{
    /// <summary>The outcomes a call is counted as.</summary>
    public static class Outcomes
    {
        /// <summary>Answered, and usable.</summary>
        public const string Success = "success";

        /// <summary>Failed, and counted toward the service's trip rules.</summary>
        public const string Failure = "failure";

        /// <summary>Failed, and its instance answers for it (ejected, or one that still may be): not the service's.</summary>
        public const string InstanceFailure = "instance failure";

        /// <summary>Cancelled by its own caller: neither.</summary>
        public const string Cancelled = "cancelled";

        /// <summary>Refused without being sent: by the breaker or its concurrency limit (counted apart: <see cref="RejectedCalls"/>).</summary>
        public const string Rejected = "rejected";
    }
}

/// <summary>The calls a breaker rejected since its last call that was sent: how many, and when the last one was.</summary>
public sealed record RejectedCalls(long Count, DateTimeOffset Last);
