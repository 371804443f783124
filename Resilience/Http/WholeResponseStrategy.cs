using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using Polly;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// The innermost step of every guarded pipeline, inside the attempt timeout and the breaker: the answer's whole body is
/// read before the attempt counts as done (<see cref="WholeResponse"/>), within the size limit and checked where the
/// caller expects JSON. A status code alone would let a body that stalls, trickles, is cut off, is huge or is an HTML
/// error page pass as a success.
/// </summary>
internal sealed class WholeResponseStrategy(long limit) : ResilienceStrategy<HttpResponseMessage>
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
            var request = response.RequestMessage ?? context.GetRequestMessage()
                ?? throw new InvalidOperationException("The whole-body read runs inside an HttpClient's resilience handler.");
            await WholeResponse.ReadAsync(request, response, limit, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            return outcome;
        }
        catch (Exception exception)
        {
            // The caller never sees this response; a body cut off or over the limit also closes its connection rather
            // than reading on.
            response.Dispose();
            return Outcome.FromException<HttpResponseMessage>(exception);
        }
    }
}
