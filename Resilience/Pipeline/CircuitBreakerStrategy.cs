using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Observability;
using Polly;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>
/// The hand-written breaker as a Polly strategy of any result type, for any pipeline: a thin adapter, the way Polly's own
/// breaker strategy sits over its state controller. It asks the breaker for a permit, turns a refusal into a
/// <see cref="CircuitBreakerRejectedException"/> outcome without calling on, and reports how the admitted call ended.
/// No instances: that is the HTTP attempt's part (<see cref="CircuitBreakerAttempt"/>).
/// </summary>
internal sealed class CircuitBreakerStrategy<T>(
    Func<ResilienceContext, CircuitBreaker?> selectBreaker,
    Func<Outcome<T>, ResilienceContext, CallOutcome> classify,
    CircuitBreakerTelemetry? telemetry) : ResilienceStrategy<T>
{
    protected override async ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback, ResilienceContext context, TState state)
    {
        if (selectBreaker(context) is not { } breaker)
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        using var activity = telemetry?.StartCall(breaker.Name);
        var permit = breaker.TryAcquire();
        telemetry?.RecordDecision(activity, breaker.Name, permit);
        if (!permit.IsAdmitted)
        {
            return Outcome.FromException<T>(new CircuitBreakerRejectedException(breaker.Name, permit.State, permit.RetryAfter));
        }

        // From here on the permit is completed exactly once, whatever the call does (every exception is caught): a
        // leaked probe slot would keep a HalfOpen circuit rejecting everything until a manual reset.
        var started = breaker.StartTiming();
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
            var slow = breaker.IsSlow(started);
            breaker.Complete(permit, callOutcome, slow);
            telemetry?.RecordOutcome(activity, breaker.Name, callOutcome, slow, breaker.Options.SlowCallDuration is not null);
        }

        return outcome;
    }
}
