namespace CircuitDemo.Resilience.Core;

/// <summary>
/// A breaker's lifetime call counts: 64-bit, and only ever growing, so that at every moment
/// <c>Total == Successful + Failed + Rejected + Cancelled + InFlight</c>. Not thread-safe; the breaker's lock guards it.
/// </summary>
internal sealed class CallCounts
{
    public long Total { get; private set; }

    public long Successful { get; private set; }

    public long Failed { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>Calls cancelled by their own caller: neither success nor failure, counted apart.</summary>
    public long Cancelled { get; private set; }

    public long InFlight => Total - Successful - Failed - Rejected - Cancelled;

    /// <summary>A call asked to go through; a refused one is done at once.</summary>
    public void Asked(bool admitted)
    {
        Total++;
        if (!admitted)
        {
            Rejected++;
        }
    }

    /// <summary>An admitted call ended.</summary>
    public void Completed(CallOutcome outcome)
    {
        switch (outcome)
        {
            case CallOutcome.Success or CallOutcome.ExcusedSlow:
                Successful++;
                break;
            case CallOutcome.Failure or CallOutcome.Excused:
                Failed++;
                break;
            case CallOutcome.Rejected:
                Rejected++;
                break;
            default:
                Cancelled++;
                break;
        }
    }
}
