namespace CircuitDemo.Resilience.Core;

/// <summary>What an exception from an admitted call means to a breaker.</summary>
internal static class OutcomeClassifier
{
    /// <summary>
    /// An exception is a failure (a transport error, an attempt timeout, an unusable answer, anything unexpected),
    /// except a cancellation asked for by the call's own caller, which is neither success nor failure.
    /// </summary>
    public static CallOutcome Classify(Exception exception, CancellationToken callerToken) =>
        exception is OperationCanceledException && callerToken.IsCancellationRequested
            ? CallOutcome.Cancelled
            : CallOutcome.Failure;
}
