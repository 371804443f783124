using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>Why an answer with a good status still cannot be used.</summary>
internal enum UnusableResponseReason
{
    /// <summary>The connection broke before the whole body arrived.</summary>
    CutOff,

    /// <summary>The body is larger than the breaker's <c>MaxResponseBodyBytes</c>.</summary>
    TooLarge,

    /// <summary>The caller expects JSON and the body is not JSON (an HTML error page, say).</summary>
    NotJson,

    /// <summary>The body is JSON, but not of the shape the caller expects (a required field missing or null).</summary>
    WrongShape,
}
