using System.Net;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using Polly.RateLimiting;
using Polly.Timeout;

namespace CircuitDemo.Resilience.Http;

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

    /// <summary>
    /// How a call that threw <paramref name="exception"/> failed: the breaker's rejection, an attempt timeout (Polly's,
    /// or any cancellation the caller did not ask for), a transport error without an answer, or an answer that came and
    /// cannot be used. Anything else is unexpected.
    /// </summary>
    public static CallFailure FailureOf(Exception exception) => exception switch
    {
        CircuitBreakerRejectedException => CallFailure.Rejected,
        RateLimiterRejectedException => CallFailure.Overloaded,
        TimeoutRejectedException or OperationCanceledException => CallFailure.TimedOut,
        HttpRequestException { StatusCode: null } => CallFailure.Unreachable,
        HttpRequestException => CallFailure.BadAnswer,
        _ => CallFailure.Unexpected,
    };

    /// <summary>False for a call turned away before it was sent: by the breaker, or by the concurrency limit.</summary>
    public static bool ReachedService(Polly.Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is null || FailureOf(outcome.Exception) is not (CallFailure.Rejected or CallFailure.Overloaded);

    /// <summary>
    /// True when a read that ended in <paramref name="outcome"/> is worth one more attempt: a failure by
    /// <see cref="Classify(Polly.Outcome{HttpResponseMessage}, CancellationToken)"/> that failed fast. Never a rejection
    /// (the breaker has just said no) and never a timeout (it has already spent the caller's time).
    /// </summary>
    public static bool IsRetriable(Polly.Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) =>
        Classify(outcome, callerToken) == CallOutcome.Failure
        && (outcome.Exception is null
            || FailureOf(outcome.Exception) is not (CallFailure.Rejected or CallFailure.Overloaded or CallFailure.TimedOut));

    /// <summary>
    /// True when a write that ended in <paramref name="outcome"/> is worth one more attempt, on another instance: it
    /// carries an <c>Idempotency-Key</c> (so the service makes a repeat safe: payment-service's shared ledger takes a key
    /// once), and it got no usable answer, so it may or may not have been applied: a 5xx, no connection, an attempt
    /// timeout, an answer cut off or unusable. Never a 4xx (the request itself is at fault, or the service asked the
    /// caller to slow down), never the breaker's rejection or the limiter's, never a write without a key.
    /// </summary>
    public static bool IsRetriableWrite(HttpRequestMessage? request, Polly.Outcome<HttpResponseMessage> outcome, CancellationToken callerToken) =>
        request?.Headers.Contains(Contracts.HeaderNames.IdempotencyKey) == true
        && Classify(outcome, callerToken) == CallOutcome.Failure
        && (outcome.Exception is { } exception
            ? FailureOf(exception) is CallFailure.TimedOut or CallFailure.Unreachable or CallFailure.BadAnswer
            : (int)outcome.Result!.StatusCode >= 500);

    /// <summary>True for the status codes that count as failures: the service, not the request, is at fault.</summary>
    public static bool IsFailureStatus(HttpStatusCode statusCode) =>
        (int)statusCode >= 500 || statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
