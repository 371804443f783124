using System.Diagnostics;

namespace CircuitDemo.Resilience.Observability;

/// <summary>What the overload parts and the hedged reads add to the telemetry: their spans and counters.</summary>
internal sealed partial class CircuitBreakerTelemetry
{
    /// <summary>
    /// A call the concurrency limit turned away: its own span (the breaker's was never started), decision
    /// <c>rejected</c> by the <c>limit</c>, and a rejection in the calls counter.
    /// </summary>
    public void RecordLimitRejection(string name, int limit)
    {
        using (var activity = StartCall(name))
        {
            activity?.SetTag(DecisionTag, "rejected");
            activity?.SetTag(RejectedByTag, "limit");
            activity?.SetStatus(ActivityStatusCode.Error, $"Over the concurrency limit of circuit breaker {name} ({limit})");
        }

        _calls.Add(1, Tag(name), new(OutcomeTag, "rejected"), new(RejectedByTag, "limit"));
    }

    /// <summary>
    /// Starts the span of a hedge, under the call's, marked with the delay after which it was sent; the attempt's own
    /// span is its child (null when nobody listens).
    /// </summary>
    public Activity? StartHedge(string name, TimeSpan delay)
    {
        var activity = Source.HasListeners() ? Source.StartActivity("hedge " + name, ActivityKind.Internal) : null;
        activity?.SetTag(NameTag, name);
        activity?.SetTag(HedgeTag, Math.Round(delay.TotalMilliseconds, 1));
        return activity;
    }

    /// <summary>Counts a hedge of <paramref name="name"/> that ended <paramref name="outcome"/>: won, lost or refused.</summary>
    public void RecordHedge(string name, string outcome) =>
        _hedges.Add(1, Tag(name), new(Contracts.Telemetry.HedgeOutcomeTag, outcome));

    /// <summary>Counts a retry the budget of <paramref name="name"/> refused.</summary>
    public void RecordRetryRefused(string name) => _retriesRefused.Add(1, Tag(name));
}
