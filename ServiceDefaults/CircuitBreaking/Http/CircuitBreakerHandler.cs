namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Puts every outgoing request through the breaker of its target service (the request's host, before service
/// discovery resolves it) and operation kind. A rejected call throws <see cref="CircuitBreakerRejectedException"/>
/// without reaching the inner handlers; an admitted call's result is classified and recorded.
/// </summary>
public sealed class CircuitBreakerHandler(CircuitBreakerRegistry registry, CircuitBreakerTelemetry telemetry) : DelegatingHandler
{
    /// <summary>
    /// Set to true on a control-plane request (such as switching a service's failure mode) so that it neither
    /// passes through nor counts towards the service's breaker: the switch must work while the circuit is open.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> BypassKey = new("CircuitDemo.CircuitBreaker.Bypass");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(BypassKey, out var bypass) && bypass)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var breaker = registry.Get(TargetService(request), CircuitBreakerNames.IsWrite(request.Method));
        if (!breaker.Options.Enabled)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var activity = telemetry.StartCallActivity(breaker);
        var permit = breaker.TryAcquire();
        telemetry.RecordDecision(activity, request, breaker, permit);
        if (!permit.IsAdmitted)
        {
            throw new CircuitBreakerRejectedException(breaker.Name, permit.State, permit.RetryAfter);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Complete(breaker, permit, OutcomeClassifier.Classify(exception, cancellationToken), activity);
            throw;
        }

        Complete(breaker, permit, OutcomeClassifier.Classify(response.StatusCode), activity);
        return response;
    }

    private void Complete(CircuitBreaker breaker, in CircuitPermit permit, CallOutcome outcome, System.Diagnostics.Activity? activity)
    {
        breaker.Complete(permit, outcome);
        telemetry.RecordOutcome(activity, breaker, outcome);
    }

    private static string TargetService(HttpRequestMessage request) =>
        request.RequestUri?.IsAbsoluteUri == true
            ? request.RequestUri.Host
            : throw new InvalidOperationException("A request through a circuit breaker needs an absolute URI to name its service.");
}
