using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The innermost handler of the pipeline, in place of service discovery's own (whose choice is internal and round
/// robin): it resolves the request's service to its instances through service discovery, and sends the attempt to the
/// one the breaker's <see cref="EndpointRecords"/> chooses, in rotation and least loaded of two; a retry goes to
/// another. The chosen endpoint travels on the request (<see cref="EndpointAttempt"/>) until the breaker strategy
/// settles it with the attempt's outcome. A control-plane call pinned to one instance goes there; a call no breaker
/// guards goes to any instance.
/// </summary>
internal sealed class EndpointSelectionHandler(ServiceInstances instances, CircuitBreakerRegistry registry) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("A request needs a URI to find its service.");
        var addresses = await instances.AddressesAsync(original, cancellationToken).ConfigureAwait(false);
        request.RequestUri = ServiceInstances.Rewrite(original, Choose(request, original, addresses));
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("A request needs a URI to find its service.");
        var addresses = instances.AddressesAsync(original, cancellationToken).AsTask().GetAwaiter().GetResult();
        request.RequestUri = ServiceInstances.Rewrite(original, Choose(request, original, addresses));
        try
        {
            return base.Send(request, cancellationToken);
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    private Uri Choose(HttpRequestMessage request, Uri original, IReadOnlyList<Uri> addresses)
    {
        if (ServiceInstances.PinnedOf(request) is { } pinned)
        {
            return pinned;
        }

        if (!CircuitBreakerRoute.IsBypassed(request)
            && registry.Guards(original.Host)
            && registry.Find(CircuitBreakerRoute.For(request).Name) is { Options.Enabled: true } breaker)
        {
            return EndpointAttempt.Lease(request, breaker, addresses).Address;
        }

        return addresses.Count == 1 ? addresses[0] : addresses[Random.Shared.Next(addresses.Count)];
    }
}

/// <summary>
/// The endpoint of a request's current attempt, on the request from the moment it is chosen until the breaker strategy
/// settles it (once per attempt, whatever the outcome); and the endpoint of its previous attempt, for the retry to avoid.
/// </summary>
internal static class EndpointAttempt
{
    private static readonly HttpRequestOptionsKey<EndpointLease> LeaseKey = new("CircuitDemo.Endpoint.Lease");
    private static readonly HttpRequestOptionsKey<Uri> TriedKey = new("CircuitDemo.Endpoint.Tried");

    /// <summary>Chooses the attempt's endpoint among <paramref name="addresses"/>, away from the one the previous attempt went to.</summary>
    public static EndpointLease Lease(HttpRequestMessage request, CircuitBreaker breaker, IReadOnlyList<Uri> addresses)
    {
        var lease = breaker.Endpoints.Lease(addresses, request.Options.TryGetValue(TriedKey, out var tried) ? tried : null);
        request.Options.Set(LeaseKey, lease);
        request.Options.Set(TriedKey, lease.Address);
        return lease;
    }

    /// <summary>
    /// Settles the attempt's endpoint, if one was chosen, with the outcome the breaker will record, and returns how the
    /// breaker counts it (a failure may be the endpoint's alone); without an endpoint, the outcome as it is.
    /// </summary>
    public static CallOutcome Settle(HttpRequestMessage? request, CallOutcome outcome)
    {
        if (request is null || !request.Options.TryGetValue(LeaseKey, out var lease))
        {
            return outcome;
        }

        ((IDictionary<string, object?>)request.Options).Remove(LeaseKey.Key);
        return lease.Settle(outcome);
    }
}
