using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Registration;
using Polly;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>
/// An attempt that no breaker guards (a control-plane call, a breaker switched off, a host the process declared no
/// breaker for): sent to the instance it is pinned to, or else to any instance of its service, as service discovery
/// resolves them, another than the one its previous attempt went to (a retried write). No permit, no instance record,
/// no verdict.
/// </summary>
internal sealed class DirectAttempt(ServiceInstances instances, bool remember = true) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var request = context.GetRequestMessage() ?? throw new InvalidOperationException(
            "The attempt runs inside an HttpClient's resilience handler.");
        var service = request.RequestUri!;
        try
        {
            var address = ServiceInstances.PinnedOf(request);
            if (address is null)
            {
                var resolved = await instances.ResolveAsync(service, context.CancellationToken, remember).ConfigureAwait(
                    context.ContinueOnCapturedContext);
                var trail = AttemptTrail.Of(context);
                address = AnyBut(resolved, trail.Last);
                trail.WentTo(address);
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

    // Any instance, at random; another than the previous attempt's while there is another.
    private static Uri AnyBut(IReadOnlyList<ServiceInstance> resolved, Uri? previous)
    {
        if (resolved.Count == 1)
        {
            return resolved[0].Address;
        }

        IReadOnlyList<ServiceInstance> others = previous is null ? resolved : [.. resolved.Where(instance => instance.Address != previous)];
        var candidates = others.Count > 0 ? others : resolved;
        return candidates[Random.Shared.Next(candidates.Count)].Address;
    }
}
