using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>The <c>sources</c> value of a section: <c>live</c>, or why its fallback was served.</summary>
public static class FallbackReason
{
    /// <summary>The section came from the service.</summary>
    public const string Live = FallbackReasons.Live;

    /// <summary>
    /// The reason for the pipeline's verdict on a failed call: the breaker refused (<c>circuit-open</c>); its
    /// concurrency limit did (<c>overloaded</c>); the attempt
    /// timed out, headers or body (<c>timeout</c>); the service could not be reached (<c>unavailable</c>); it answered an
    /// error or an answer that cannot be used, or something unexpected went wrong (<c>error</c>: the dashboard answers
    /// 200 for a valid id whatever happened below it).
    /// </summary>
    public static string For(CallFailure failure) => failure switch
    {
        CallFailure.Rejected => FallbackReasons.CircuitOpen,
        CallFailure.Overloaded => FallbackReasons.Overloaded,
        CallFailure.TimedOut => FallbackReasons.Timeout,
        CallFailure.Unreachable => FallbackReasons.Unavailable,
        _ => FallbackReasons.Error,
    };
}
