using System.Net;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>What an HTTP answer's status means to a breaker.</summary>
internal static class HttpOutcomeClassifier
{
    /// <summary>5xx, 408 and 429 are failures; every other answer (404 and 400 included) is a success.</summary>
    public static CallOutcome Classify(HttpStatusCode statusCode) =>
        IsFailureStatus(statusCode) ? CallOutcome.Failure : CallOutcome.Success;

    /// <summary>
    /// The one verdict on how an HTTP call ended, which the breaker records and the read retry reads: an exception is a
    /// failure (a transport error, an attempt timeout, an unusable answer), except a cancellation by the call's own
    /// caller, which is neither; an answer is a failure by its status (<see cref="IsFailureStatus"/>).
    /// </summary>
    public static CallOutcome Classify(Polly.Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) =>
        outcome.Exception is { } exception
            ? OutcomeClassifier.Classify(exception, callerToken)
            : Classify(outcome.Result!.StatusCode);

    /// <summary>True for the status codes that count as failures: the service, not the request, is at fault.</summary>
    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
