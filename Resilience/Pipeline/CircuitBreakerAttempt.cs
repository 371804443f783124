using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Registration;
using Polly;
using Polly.Timeout;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>
/// One attempt of an HTTP call through its service's guard, top to bottom in <see cref="ExecuteCore"/>: the breaker's
/// permit; an instance of the service; the request sent there; the verdict on its outcome; the instance's record settled
/// with it; the permit completed. What the attempt needs was decided when its pipeline was built (the guard of its
/// breaker) or comes forward with the call: the request, and on the <see cref="ResilienceContext"/> the instance the
/// call's previous attempt went to (<see cref="AttemptTrail"/>).
/// </summary>
internal sealed class CircuitBreakerAttempt(ServiceGuard guard, ServiceInstances instances, CircuitBreakerTelemetry telemetry, TimeProvider time)
    : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var request = context.GetRequestMessage() ?? throw new InvalidOperationException(
            "The attempt runs inside an HttpClient's resilience handler.");
        var service = request.RequestUri!;

        // 1. The breaker's permit. Open, Isolated, or HalfOpen with every probe slot taken: rejected at once, nothing sent.
        using var activity = telemetry.StartCall(guard.Name);
        var permit = guard.Breaker.TryAcquire();
        telemetry.RecordDecision(activity, guard.Name, permit);
        if (!permit.IsAdmitted)
        {
            guard.Recent.Add(null, CallOutcome.Rejected, slow: false, TimeSpan.Zero);
            return Outcome.FromException<HttpResponseMessage>(new CircuitBreakerRejectedException(guard.Name, permit.State, permit.RetryAfter));
        }

        // From here on the lease is settled and the permit completed exactly once, whatever happens: a leaked probe slot
        // would keep HalfOpen rejecting until a reset, a leaked lease would keep an instance looking busy for good.
        InstanceLease? lease = null;
        var started = time.GetTimestamp();

        // While hedged reads are disarmed, one attempt at a time is watched: late, it arms them (HedgeArming).
        var watched = guard.Hedges?.Delay.TryWatch(started) is true;
        Outcome<HttpResponseMessage> outcome;
        try
        {
            // 2. An instance of the service: the lighter of two in rotation, away from the one the previous attempt went to.
            var pending = instances.ResolveAsync(service, context.CancellationToken);
            var resolved = pending.IsCompleted ? pending.Result : await WithinAttemptTimeout(pending, service, context).ConfigureAwait(false);
            var trail = AttemptTrail.Of(context);
            lease = guard.Instances.Lease(resolved, trail.Last);
            trail.WentTo(lease.Address);

            // 3. The request, sent to that instance; the attempt timeout and the whole-body read run inside the callback.
            request.RequestUri = ServiceInstances.Rewrite(service, lease.Address);
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<HttpResponseMessage>(exception);
        }
        finally
        {
            request.RequestUri = service;
            if (watched)
            {
                guard.Hedges!.Delay.Unwatch(started);
            }
        }

        var verdict = CallOutcome.Failure;
        try
        {
            // 4. The verdict: success, failure, or cancelled by the caller, decided from the outcome alone.
            verdict = HttpOutcomeClassifier.Classify(outcome, context.CancellationToken);
        }
        finally
        {
            // 5. "Slow" decided once, by the breaker's rule; 6. the instance's record, which says whether a failure or a
            // slow call is the service's or its own; 7. the permit.
            var duration = time.GetElapsedTime(started);
            var slow = guard.Breaker.IsSlow(duration);
            var counted = lease?.Settle(verdict, duration, slow) ?? new ServiceVerdict(verdict, Slow: false);
            guard.Breaker.Complete(permit, counted.Outcome, counted.Slow);
            guard.Recent.Add(lease?.Name, counted.Outcome, slow, duration);
            if (verdict == CallOutcome.Success)
            {
                // 8. How long an answer takes, for when a read of the service is worth a hedge; one timed out was late.
                guard.Hedges?.Delay.Observe(duration);
            }
            else if (outcome.Exception is TimeoutRejectedException)
            {
                guard.Hedges?.Delay.ObserveLate();
            }

            telemetry.RecordOutcome(activity, guard.Name, counted.Outcome, slow, guard.Breaker.Options.SlowCallDuration is not null);
        }

        return outcome;
    }

    // Service discovery's list, at once nearly always; a first answer still awaited (DNS asked for the first time, and
    // slow or silent) is waited on no longer than the attempt timeout, holding the permit no longer than a call could.
    // The lookup goes on, for the calls after this one.
    private async Task<IReadOnlyList<ServiceInstance>> WithinAttemptTimeout(
        ValueTask<IReadOnlyList<ServiceInstance>> pending, Uri service, ResilienceContext context)
    {
        try
        {
            return await pending.AsTask().WaitAsync(guard.Options.Breaker.AttemptTimeout, time, context.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutRejectedException($"Service discovery gave no instance of {service.Host} within the attempt timeout.");
        }
    }
}
