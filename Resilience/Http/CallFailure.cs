using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// How a call through ServiceDefaults' pipeline failed, decided once from what the pipeline threw
/// (<see cref="CircuitBreakingExtensions.FailureOf"/>): the read retry, the gateway's fallbacks and its error
/// statuses all read this verdict instead of sorting exceptions each on their own.
/// </summary>
public enum CallFailure
{
    /// <summary>The breaker refused the call (open, isolated, or no probe slot left): nothing was sent.</summary>
    Rejected,

    /// <summary>The breaker's concurrency limit turned the call away (<c>MaxConcurrentCalls</c> in flight already): nothing was sent.</summary>
    Overloaded,

    /// <summary>The attempt timed out, waiting for the headers or for the rest of the body.</summary>
    TimedOut,

    /// <summary>The service could not be reached: no answer at all (refused, reset, name not resolved).</summary>
    Unreachable,

    /// <summary>The service answered, with a failure status or an answer that cannot be used (cut off, too large, not the JSON asked for).</summary>
    BadAnswer,

    /// <summary>An exception none of the pipeline's layers throws: a defect of the caller or of the pipeline, not of the service.</summary>
    Unexpected,
}
