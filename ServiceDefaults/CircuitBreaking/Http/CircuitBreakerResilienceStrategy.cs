using Polly;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// The hand-written breaker as a Polly strategy: a thin adapter, the way Polly's own breaker strategy sits over its
/// state controller. It asks the breaker for a permit, turns a refusal into a <see cref="CircuitBreakerRejectedException"/>
/// outcome without calling on, and reports how an admitted call ended. The breaker itself knows nothing of Polly.
/// </summary>
internal sealed class CircuitBreakerResilienceStrategy<T>(
    Func<ResilienceContext, CircuitBreaker?> selectBreaker,
    Func<Outcome<T>, ResilienceContext, CallOutcome> classify,
    CircuitBreakerTelemetry? telemetry) : ResilienceStrategy<T>
{
    protected override async ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback, ResilienceContext context, TState state)
    {
        var breaker = selectBreaker(context);
        if (breaker is null || !breaker.Options.Enabled)
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        using var activity = CircuitBreakerTelemetry.StartCallActivity(breaker);
        var permit = breaker.TryAcquire();
        telemetry?.RecordDecision(activity, breaker, permit);
        if (!permit.IsAdmitted)
        {
            return Outcome.FromException<T>(new CircuitBreakerRejectedException(breaker.Name, permit.State, permit.RetryAfter));
        }

        // From here on the permit is completed exactly once, whatever the call does (every exception is caught): a
        // leaked probe slot would keep a HalfOpen circuit rejecting everything until a manual reset.
        Outcome<T> outcome;
        try
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<T>(exception);
        }

        // A classifier that throws (a caller's predicate meeting a null result) still completes the permit, as a
        // failure: the call's outcome could not be judged usable. Its exception then reaches the caller.
        var callOutcome = CallOutcome.Failure;
        try
        {
            callOutcome = classify(outcome, context);
        }
        finally
        {
            var slow = breaker.Complete(permit, callOutcome);
            telemetry?.RecordOutcome(activity, breaker, callOutcome, slow);
        }

        return outcome;
    }
}
