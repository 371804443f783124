using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The innermost strategy: reads the whole response body before the call counts as done, inside the attempt timeout
/// and the breaker, and checks that a caller that expects JSON got JSON it can use. Status codes alone would let a
/// body that stalls, trickles, is cut off, is huge or is an HTML error page pass as a success.
/// </summary>
internal sealed class ResponseBodyStrategy(CircuitBreakerRegistry registry) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Result is not { } response)
        {
            return outcome;
        }

        try
        {
            var limit = RequestOptions.For(registry, context).MaxResponseBodyBytes;
            await ReadWholeBodyAsync(response, limit, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            if (response.IsSuccessStatusCode && context.GetRequestMessage() is { } request && ExpectedJson.Of(request) is { } expected)
            {
                await expected.CheckAsync(response, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            return outcome;
        }
        catch (Exception exception)
        {
            // The caller never sees this response, so it is disposed here; a body cut off or over the limit also
            // closes its connection rather than reading on.
            response.Dispose();
            return Outcome.FromException<HttpResponseMessage>(exception);
        }
    }

    // Buffered here, HttpClient's own buffering afterwards finds nothing left to read. A cancellation (the attempt
    // timeout firing while the body stalls or trickles) passes through, and the timeout strategy reports it as a timeout.
    private static async Task ReadWholeBodyAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
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

    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "response-body";
    }
}
