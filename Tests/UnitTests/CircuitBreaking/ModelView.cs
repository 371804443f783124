namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// One change of state in the model: when, from, to, and what its reason must say (each text, in any case), or else
/// what it may say instead where the contract allows two reasons.
/// </summary>
internal sealed record ModelTransition(TimeSpan At, CircuitState From, CircuitState To, IReadOnlyList<string> ReasonSays, IReadOnlyList<string>? OrSays = null)
{
    public bool Explains(string reason) => Says(ReasonSays, reason) || (OrSays is { } other && Says(other, reason));

    private static bool Says(IReadOnlyList<string> texts, string reason) => texts.All(text => reason.Contains(text, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What the model says can be observed at one moment.</summary>
internal sealed record ModelView(
    CircuitState State,
    IReadOnlyDictionary<int, (CircuitDecision Decision, int PeriodsBefore)> Calls,
    Dictionary<int, TimeSpan?> RetryAfter,
    int FailureCount,
    int SuccessCount,
    TimeSpan? NextAttempt,
    long? RetryAfterMs,
    long Total,
    long Succeeded,
    long Failed,
    long Rejected,
    long Cancelled,
    long InFlight,
    IReadOnlyList<ModelTransition> Transitions);
