using CircuitDemo.ServiceDefaults.Http;
using Polly;

namespace CircuitDemo.ServiceDefaults.Pipeline;

/// <summary>
/// An attempt that no breaker guards (a control-plane call, a breaker switched off, a host the process declared no
/// breaker for): sent to the instance it is pinned to, or else to any instance of its service, as service discovery
/// resolves them. No permit, no endpoint record, no verdict.
/// </summary>
internal sealed class DirectAttempt(ServiceInstances instances) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var request = context.GetRequestMessage() ?? throw new InvalidOperationException("The attempt runs inside an HttpClient's resilience handler.");
        var service = request.RequestUri!;
        try
        {
            var address = ServiceInstances.PinnedOf(request);
            if (address is null)
            {
                var resolved = await instances.ResolveAsync(service, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                address = resolved[resolved.Count == 1 ? 0 : Random.Shared.Next(resolved.Count)].Address;
            }

            request.RequestUri = ServiceInstances.Rewrite(service, address);
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            return Outcome.FromException<HttpResponseMessage>(exception);
        }
        finally
        {
            request.RequestUri = service;
        }
    }
}
