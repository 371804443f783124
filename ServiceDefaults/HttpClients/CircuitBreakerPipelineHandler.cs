using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The one resilience handler of every client. It runs each request through the pipeline of its breaker
/// (<see cref="CircuitBreakerPipelines"/>), and the operation the pipeline protects is the whole exchange: the request
/// and its whole response body (<see cref="WholeResponse"/>), so a body that fails is a failed attempt, inside the
/// attempt timeout and the breaker. It does what Microsoft.Extensions.Http.Resilience's <c>ResilienceHandler</c> does
/// for such a pipeline and leaves out what serves nothing here (request metadata for its telemetry enrichment, the
/// context kept on the request for handlers further in), which cost about as much as the breaker on every call.
/// </summary>
internal sealed class CircuitBreakerPipelineHandler(CircuitBreakerPipelines pipelines) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (pipelines.For(request) is not { } route)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await route.Pipeline.ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    HttpResponseMessage? response = null;
                    try
                    {
                        response = await state.Handler.SendInnerAsync(state.Request, context.CancellationToken).ConfigureAwait(false);
                        await WholeResponse.ReadAsync(state.Request, response, state.MaxResponseBodyBytes, context.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception exception)
                    {
                        // The caller never sees this response; a body cut off or over the limit also closes its
                        // connection rather than reading on.
                        response?.Dispose();
                        return Outcome.FromException<HttpResponseMessage>(exception);
                    }
                },
                context,
                (Handler: this, Request: request, route.MaxResponseBodyBytes)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // HttpClient.Send: the same pipeline and the same whole-body read, run synchronously (HttpContent has no
    // synchronous bounded read, so the body's read is waited for, as Polly waits for an asynchronous strategy).
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (pipelines.For(request) is not { } route)
        {
            return base.Send(request, cancellationToken);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return route.Pipeline.Execute(
                static (context, state) =>
                {
                    var response = state.Handler.SendInner(state.Request, context.CancellationToken);
                    try
                    {
                        WholeResponse.ReadAsync(state.Request, response, state.MaxResponseBodyBytes, context.CancellationToken).AsTask().GetAwaiter().GetResult();
                        return response;
                    }
                    catch
                    {
                        response.Dispose();
                        throw;
                    }
                },
                context,
                (Handler: this, Request: request, route.MaxResponseBodyBytes));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private HttpResponseMessage SendInner(HttpRequestMessage request, CancellationToken cancellationToken) => base.Send(request, cancellationToken);
}
