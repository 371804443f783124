using System.Net;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>What an HTTP answer's status means to a breaker.</summary>
internal static class HttpOutcomeClassifier
{
    /// <summary>5xx, 408 and 429 are failures; every other answer (404 and 400 included) is a success.</summary>
    public static CallOutcome Classify(HttpStatusCode statusCode) =>
        IsFailureStatus(statusCode) ? CallOutcome.Failure : CallOutcome.Success;

    /// <summary>True for the status codes that count as failures: the service, not the request, is at fault.</summary>
    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
