using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Core;

/// <summary>Running any operation through a breaker, without Polly and without HTTP.</summary>
internal static class CircuitBreakerExecuteExtensions
{
    /// <summary>
    /// Runs <paramref name="operation"/> through the breaker: throws <see cref="CircuitBreakerRejectedException"/>
    /// without running it when the breaker refuses; counts an exception as a failure, except a cancellation of
    /// <paramref name="cancellationToken"/>, which is counted apart. The state argument spares a closure allocation.
    /// </summary>
    public static ValueTask<TResult> ExecuteAsync<TState, TResult>(
        this CircuitBreaker breaker, Func<TState, CancellationToken, ValueTask<TResult>> operation, TState state, CancellationToken cancellationToken = default)
    {
        var permit = breaker.TryAcquire();

        // A rejection is handed back as a faulted ValueTask, not thrown here: it is thrown once, where it is awaited,
        // instead of being thrown, caught by an async state machine and thrown again.
        if (!permit.IsAdmitted)
        {
            return ValueTask.FromException<TResult>(new CircuitBreakerRejectedException(breaker.Name, permit.State, permit.RetryAfter));
        }

        var started = breaker.StartTiming();
        ValueTask<TResult> pending;
        try
        {
            pending = operation(state, cancellationToken);
        }
        catch (Exception exception)
        {
            breaker.Complete(permit, OutcomeClassifier.Classify(exception, cancellationToken), breaker.IsSlow(started));
            return ValueTask.FromException<TResult>(exception);
        }

        // An operation that finished at once is completed here, without an async state machine.
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            breaker.Complete(permit, CallOutcome.Success, breaker.IsSlow(started));
            return new ValueTask<TResult>(result);
        }

        return CompleteWhenDoneAsync(breaker, permit, pending, started, cancellationToken);
    }

    private static async ValueTask<TResult> CompleteWhenDoneAsync<TResult>(
        CircuitBreaker breaker, CircuitPermit permit, ValueTask<TResult> pending, long started, CancellationToken cancellationToken)
    {
        var outcome = CallOutcome.Failure;
        try
        {
            var result = await pending.ConfigureAwait(false);
            outcome = CallOutcome.Success;
            return result;
        }
        catch (Exception exception)
        {
            outcome = OutcomeClassifier.Classify(exception, cancellationToken);
            throw;
        }
        finally
        {
            breaker.Complete(permit, outcome, breaker.IsSlow(started));
        }
    }
}
