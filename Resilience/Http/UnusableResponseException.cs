using System.Net;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// The answer arrived with a status that looked fine but cannot be used. An <see cref="HttpRequestException"/>, so
/// everything that treats a failed call as a failure (the breaker, the read retry, a caller's catch) does so here too.
/// </summary>
internal sealed class UnusableResponseException : HttpRequestException
{
    private UnusableResponseException(UnusableResponseReason reason, HttpStatusCode statusCode, string message, Exception? inner = null)
        : base(message, inner, statusCode) => Reason = reason;

    /// <summary>What was wrong with the answer.</summary>
    internal UnusableResponseReason Reason { get; }

    internal static UnusableResponseException CutOff(HttpResponseMessage response, Exception inner) =>
        new(
            UnusableResponseReason.CutOff,
            response.StatusCode,
            $"{Service(response)} answered {(int)response.StatusCode}, then the body was cut off: {inner.Message}",
            inner);

    internal static UnusableResponseException TooLarge(HttpResponseMessage response, long limit) =>
        new(
            UnusableResponseReason.TooLarge,
            response.StatusCode,
            $"{Service(response)} answered {(int)response.StatusCode} with a body over the limit of {limit} bytes.");

    internal static UnusableResponseException NotJson(HttpResponseMessage response, string why) =>
        new(
            UnusableResponseReason.NotJson,
            response.StatusCode,
            $"{Service(response)} answered {(int)response.StatusCode} with a body that is not JSON: {why}");

    internal static UnusableResponseException WrongShape(HttpResponseMessage response, string why) =>
        new(
            UnusableResponseReason.WrongShape,
            response.StatusCode,
            $"{Service(response)} answered {(int)response.StatusCode} with JSON of another shape: {why}");

    private static string Service(HttpResponseMessage response) => response.RequestMessage?.RequestUri?.Host ?? "The service";
}
