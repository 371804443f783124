using System.Globalization;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// What a breaker's row shows, from what each gateway replica reported. With one replica, the breaker's state and
/// counts. With several, one row per breaker: the most severe state any replica is in (Isolated, Open, HalfOpen,
/// Closed), a property saying how many replicas are in which state, and the counts added up. The State column carries
/// the breaker's state; the row's health report (Healthy while Closed, Degraded otherwise, with the last change's reason)
/// shows in its details: Aspire computes a health column value only while a resource's State reads Running.
/// </summary>
internal static class BreakerRowSnapshot
{
    public const string WaitingState = "Waiting for gateway";

    /// <summary>The name of the health report each row publishes: Healthy while Closed, Degraded otherwise.</summary>
    public const string HealthCheckName = "circuit-breaker";

    private static readonly CircuitState[] Severity = [CircuitState.Isolated, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed];

    public static CustomResourceSnapshot Update(CustomResourceSnapshot snapshot, IReadOnlyList<BreakerSummary> replicas, DateTimeOffset now)
    {
        if (replicas.Count == 0)
        {
            // No replica reports (the gateway stopped, or has not started): no health either, not the last one it had.
            return (snapshot with { State = new ResourceStateSnapshot(WaitingState, KnownResourceStateStyles.Info) }).WithHealthReports([]);
        }

        var state = Severity.First(s => replicas.Any(r => r.State == s));
        var worst = replicas.First(r => r.State == state);
        var nextProbe = replicas.Where(r => r.NextAttempt is not null).Min(r => r.NextAttempt);
        var properties = snapshot.Properties
            .With("Failure streak", $"{replicas.Max(r => r.FailureCount)} of {worst.FailureThreshold}", order: 1)
            .With(
                "Next probe",
                nextProbe is { } due ? $"in {Math.Max(0, Math.Ceiling((due - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s" : "-",
                order: 2)
            .With("Requests", $"{replicas.Sum(r => r.TotalRequests)}: {replicas.Sum(r => r.SuccessfulRequests)} ok, "
                + $"{replicas.Sum(r => r.FailedRequests)} failed, {replicas.Sum(r => r.RejectedRequests)} rejected", order: 3)
            .With("Last change", worst.LastReason is { } reason ? $"{reason} ({worst.LastChange:HH:mm:ss})" : "none yet", order: 4)
            .With("Slow calls", worst.SlowCallsText, order: 5)
            .With("Endpoints", worst.EndpointsText, order: 6)
            .With("Ejections refused by the cap", replicas.Sum(r => r.EjectionsRefused).ToString(CultureInfo.InvariantCulture), order: 7)
            .With("Retry budget", worst.RetryBudget is { } budget
                ? $"{budget.AllowedNow} allowed now, {replicas.Sum(r => r.RetryBudget?.Refused ?? 0)} refused" : "-", order: 8)
            .With("Concurrency limit", worst.Concurrency?.Text ?? "off", order: 9)
            .With("Hedges", worst.Hedges is { } hedges
                ? new HedgingStatus(
                    hedges.DelayMs, replicas.Any(r => r.Hedges?.Armed is true), replicas.Sum(r => r.Hedges?.Sent ?? 0),
                    replicas.Sum(r => r.Hedges?.Won ?? 0), replicas.Sum(r => r.Hedges?.Refused ?? 0)).Text
                : "off", order: 10)
            .With(
                "Replicas",
                string.Join(", ", replicas.GroupBy(r => r.State).OrderBy(g => Array.IndexOf(Severity, g.Key)).Select(g => $"{g.Count()} {g.Key}")),
                order: 11);
        var health = state == CircuitState.Closed ? HealthStatus.Healthy : HealthStatus.Degraded;
        var why = worst.LastReason is { } last ? $" ({last})" : "";
        return (snapshot with { State = new ResourceStateSnapshot(state.ToString(), Style(state)), Properties = properties })
            .WithHealthReports([new HealthReportSnapshot(
                HealthCheckName, health, $"Circuit breaker {worst.Name} is {state}{why}.", ExceptionText: null)
            {
                LastRunAt = now.UtcDateTime,
            }]);
    }

    private static string Style(CircuitState state) => state switch
    {
        CircuitState.Closed => KnownResourceStateStyles.Success,
        CircuitState.HalfOpen => KnownResourceStateStyles.Warn,
        _ => KnownResourceStateStyles.Error,
    };
}
