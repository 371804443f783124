using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// Registered inside the resilience handler, so inside the attempt timeout and the breaker: the whole body of an answer
/// is read before the call counts as done (<see cref="WholeResponse"/>), within the breaker's size limit and checked
/// where the caller expects JSON. A status code alone would let a body that stalls, trickles, is cut off, is huge or is
/// an HTML error page pass as a success. A request to a host this process guards nothing for passes untouched.
/// </summary>
internal sealed class WholeResponseHandler(CircuitBreakerRegistry registry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (LimitOf(request) is not { } limit)
        {
            return response;
        }

        try
        {
            await WholeResponse.ReadAsync(request, response, limit, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            // The caller never sees this response; a body cut off or over the limit also closes its connection
            // rather than reading on.
            response.Dispose();
            throw;
        }
    }

    // HttpClient.Send: the same whole-body read, waited for (HttpContent has no synchronous bounded read).
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = base.Send(request, cancellationToken);
        if (LimitOf(request) is not { } limit)
        {
            return response;
        }

        try
        {
            WholeResponse.ReadAsync(request, response, limit, cancellationToken).AsTask().GetAwaiter().GetResult();
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private long? LimitOf(HttpRequestMessage request) =>
        CircuitBreakerRoute.For(request) is var key && registry.Guards(key.Service)
            ? registry.OptionsFor(key).MaxResponseBodyBytes
            : null;
}
