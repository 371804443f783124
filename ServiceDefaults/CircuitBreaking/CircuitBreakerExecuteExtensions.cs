namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

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
        return permit.IsAdmitted
            ? ExecuteAdmittedAsync(breaker, permit, operation, state, cancellationToken)
            : ValueTask.FromException<TResult>(new CircuitBreakerRejectedException(breaker.Name, permit.State, permit.RetryAfter));
    }

    private static async ValueTask<TResult> ExecuteAdmittedAsync<TState, TResult>(
        CircuitBreaker breaker, CircuitPermit permit, Func<TState, CancellationToken, ValueTask<TResult>> operation, TState state, CancellationToken cancellationToken)
    {
        var outcome = CallOutcome.Failure;
        var started = breaker.StartTiming();
        try
        {
            var result = await operation(state, cancellationToken).ConfigureAwait(false);
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
