using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// The end of every call ServiceDefaults makes: the whole body read before the call counts as done, within the size
/// limit, and checked where the caller expects JSON. It runs as part of the operation each pipeline protects
/// (<see cref="WholeResponseStrategy"/>), so inside the attempt timeout and the breaker: a status code alone
/// would let a body that stalls, trickles, is cut off, is huge or is an HTML error page pass as a success.
/// </summary>
internal static class WholeResponse
{
    /// <summary>
    /// Reads the body of <paramref name="response"/> to <paramref name="request"/>; throws
    /// <see cref="UnusableResponseException"/> when it breaks off, is over <paramref name="limit"/> or is not the JSON
    /// the request asked for. A cancellation (the attempt timeout firing while the body stalls or trickles) passes
    /// through, and the timeout reports it as a timeout.
    /// </summary>
    public static async ValueTask ReadAsync(HttpRequestMessage request, HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        await BufferAsync(response, limit, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && ExpectedJson.Of(request) is { } expected)
        {
            await expected.AcceptAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    // Buffered here, HttpClient's own buffering afterwards finds nothing left to read.
    private static async ValueTask BufferAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var declaredLength = response.Content.Headers.ContentLength;
        if (declaredLength == 0)
        {
            return;
        }

        if (declaredLength > limit)
        {
            throw UnusableResponseException.TooLarge(response, limit);
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw UnusableResponseException.TooLarge(response, limit);
        }
        catch (HttpRequestException exception)
        {
            throw UnusableResponseException.CutOff(response, exception);
        }
    }
}
