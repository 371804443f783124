using System.Net;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Decides what an HTTP call's result means to a breaker, per the contract's section 4.</summary>
public static class OutcomeClassifier
{
    /// <summary>5xx, 408 and 429 are failures; every other answer (404 and 400 included) is a success.</summary>
    public static CallOutcome Classify(HttpStatusCode statusCode) =>
        IsFailureStatus(statusCode) ? CallOutcome.Failure : CallOutcome.Success;

    /// <summary>
    /// An exception is a failure (<see cref="HttpRequestException"/>, an attempt timeout, anything unexpected),
    /// except a cancellation asked for by the call's own caller, which is neither success nor failure.
    /// </summary>
    public static CallOutcome Classify(Exception exception, CancellationToken callerToken) =>
        exception is OperationCanceledException && callerToken.IsCancellationRequested
            ? CallOutcome.Cancelled
            : CallOutcome.Failure;

    /// <summary>True for the status codes that count as failures.</summary>
    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
