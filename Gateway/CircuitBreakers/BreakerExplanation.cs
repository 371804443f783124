using System.Globalization;
using System.Text;
using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>
/// One breaker explained in Markdown, for a person: its state and the rule that put it there, each trip rule with its
/// window's counts now, the last calls, the retry budget and the concurrency limit,
/// each endpoint's state, streaks, latency estimate and limit, and the next probe. What
/// <c>GET /circuit-breakers/{name}/explain</c> answers and the dashboard's Explain command shows. Its times are UTC, and
/// say so: the gateway does not know the reader's time zone, which the dashboard's rows use.
/// </summary>
public static class BreakerExplanation
{
    /// <summary>The explanation of <paramref name="status"/> at <paramref name="now"/>.</summary>
    public static string ToMarkdown(ServiceBreakerStatus status, DateTimeOffset now)
    {
        var options = status.Options;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {status.Name} is {status.State}");
        text.AppendLine();
        text.AppendLine(Why(status));
        text.AppendLine();
        text.AppendLine(Next(status, now));
        text.AppendLine();

        text.AppendLine("### The trip rules now");
        text.AppendLine();
        text.AppendLine("| rule | now | opens at |");
        text.AppendLine("|---|---|---|");
        text.AppendLine(
            CultureInfo.InvariantCulture,
            $"| consecutive failures | {status.FailureCount} within {DurationText.Seconds(options.FailureWindow)} | {options.FailureThreshold} |");
        text.AppendLine(options.FailureRatio is { } ratio
            ? string.Create(CultureInfo.InvariantCulture, $"| failure ratio | {status.FailureRatioFailures} of {status.FailureRatioCalls} calls "
                + $"in {DurationText.Seconds(options.SamplingDuration)} failed | {ratio:P0} of at least {options.MinimumThroughput} calls |")
            : "| failure ratio | off | |");
        text.AppendLine(options.SlowCallDuration is { } slowCall
            ? string.Create(CultureInfo.InvariantCulture, $"| slow calls | {status.SlowCalls} of {status.SlowCallWindowCalls} over "
                + $"{DurationText.Seconds(slowCall)} | {options.SlowCallRatio:P0} of a full window of {options.SlowCallWindow} |")
            : "| slow calls | off | |");
        text.AppendLine();

        text.AppendLine("### The last calls");
        text.AppendLine();
        if (status.RejectedSince is { } rejected)
        {
            // Apart from the calls below: an open breaker's rejections would push the calls that opened it out of view.
            text.AppendLine(CultureInfo.InvariantCulture, $"Since the last of these, {rejected.Count} "
                + $"{(rejected.Count == 1 ? "call was" : "calls were")} rejected without being sent (the last at {rejected.Last:HH:mm:ss} UTC).");
            text.AppendLine();
        }

        if (status.RecentCalls.Count == 0)
        {
            text.AppendLine("None yet.");
        }
        else
        {
            text.AppendLine("| time (UTC) | instance | counted as | took |");
            text.AppendLine("|---|---|---|---|");
            foreach (var call in status.RecentCalls.Reverse())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {call.Time:HH:mm:ss.fff} | {call.Instance ?? "-"} | {call.Outcome} | "
                    + $"{call.DurationMs:0.#} ms{(call.Slow ? " (slow)" : "")} |");
            }
        }

        text.AppendLine();
        text.AppendLine(
            CultureInfo.InvariantCulture,
            $"Since start: {status.TotalRequests} calls, {status.SuccessfulRequests} succeeded, {status.FailedRequests} failed, "
            + $"{status.RejectedRequests} rejected, {status.CancelledRequests} cancelled, {status.InFlightRequests} in flight.");
        text.AppendLine();

        text.AppendLine("### Overload");
        text.AppendLine();
        var budget = status.RetryBudget;
        text.AppendLine(
            CultureInfo.InvariantCulture,
            $"Retry budget: {status.Retries.AllowedNow} retries allowed now ({budget.RetryBudgetPercent} % of the requests of the last "
            + $"{DurationText.Seconds(budget.RetryBudgetWindow)}, plus {budget.MinRetriesPerSecond} a second); "
            + $"{status.Retries.Refused} refused so far.");
        var changed = status.Concurrency?.LastChange is { } change
            ? string.Create(CultureInfo.InvariantCulture, $"last changed at {status.Concurrency.LastChangeAt:HH:mm:ss} UTC ({change}).")
            : "not changed yet.";
        text.AppendLine(status.Concurrency is { } limit
            ? $"Concurrency limit ({limit.Kind}): {limit.InFlight} in flight of {limit.Limit}; {changed}"
            : "Concurrency limit: off.");
        text.AppendLine(status.Hedges is { } hedges
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Hedged reads ({(hedges.Armed ? "armed" : "disarmed: under 1 % of the recent reads late, they skip the hedging")}): "
                + $"a read unanswered after {hedges.DelayMs:0.#} ms ({HedgeDelayText(status.Hedging)}) sends one hedge to another "
                + $"instance, paid from the retry budget; {hedges.Sent} sent, {hedges.Won} won, {hedges.Sent - hedges.Won} lost, "
                + $"{hedges.Refused} refused so far.")
            : "Hedged reads: none (writes are never hedged; HedgeDelay 0 turns them off).");
        text.AppendLine();

        text.AppendLine("### The instances");
        text.AppendLine();
        if (status.Endpoints.Count == 0)
        {
            text.AppendLine("None resolved yet: service discovery resolves the service at its first call.");
        }
        else
        {
            var ejected = status.Endpoints.Count(e => e.State == EndpointState.Ejected);
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"{status.Endpoints.Count - ejected} in rotation, {ejected} ejected; at most {status.EjectionsAllowed} may be out at once "
                + $"({status.Ejection.MaxEjectionPercent} %, never the last); {status.EjectionsRefused} ejections refused by that cap so far.");
            text.AppendLine();
            text.AppendLine(
                "| instance | state | failures in a row | slow calls in a row | latency estimate | in flight | limit | calls | ejections |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var e in status.Endpoints)
            {
                var state = e.State == EndpointState.Ejected
                    ? $"**ejected** until {e.EjectedUntil:HH:mm:ss} UTC ({e.EjectionReason})"
                    : "in rotation";
                var (failures, slowCalls) = (status.Ejection.EjectionConsecutiveFailures, status.Ejection.EjectionConsecutiveSlowCalls);
                text.AppendLine(
                    CultureInfo.InvariantCulture,
                    $"| {e.Name} ({e.Address}) | {state} | {e.ConsecutiveFailures} of {failures} | {e.ConsecutiveSlowCalls} of {slowCalls} | "
                    + $"{e.LatencyMs:0.##} ms | {e.InFlight} | {e.ConcurrencyLimit} | {e.TotalRequests}, {e.FailedRequests} failed | "
                    + $"{e.Ejections} |");
            }
        }

        return text.ToString();
    }

    private static string Why(CircuitBreakerStatus status)
    {
        if (status.StateChanges.Count == 0)
        {
            return "It has been Closed since the gateway started: calls go through, and every failure is counted.";
        }

        var last = status.StateChanges[^1];
        var opened = status.StateChanges.LastOrDefault(c => c.To == CircuitState.Open);
        return status.State switch
        {
            CircuitState.Closed => $"Closed since {last.Timestamp:HH:mm:ss} UTC ({last.Reason}): calls go through, and every failure is counted.",
            CircuitState.Open => $"Opened at {last.Timestamp:HH:mm:ss} UTC by the rule: **{last.Reason}**. Every call is rejected at once, "
                + $"without reaching the service.",
            CircuitState.HalfOpen => $"Half open since {last.Timestamp:HH:mm:ss} UTC ({last.Reason}); "
                + $"it had opened because of **{opened?.Reason ?? "its trip rules"}**. "
                + $"Probes test whether the service has recovered: {status.Options.HalfOpenMaxProbes} at a time, "
                + $"{status.Options.SuccessThreshold} successful ones close it ({status.SuccessCount} so far), "
                + "one failed or slow one opens it again.",
            _ => $"Isolated by hand at {last.Timestamp:HH:mm:ss} UTC: every call is rejected until someone resets it.",
        };
    }

    private static string HedgeDelayText(CircuitDemo.Resilience.Hedging.HedgingOptions options) => options.HedgeDelay.Trim().ToLowerInvariant() switch
    {
        "auto" => $"auto: the recent p95 of its answers, at least {DurationText.Seconds(options.MinHedgeDelay)}, at most half the attempt timeout",
        var fixedDelay => $"HedgeDelay {fixedDelay}",
    };

    private static string Next(CircuitBreakerStatus status, DateTimeOffset now) => status.State switch
    {
        CircuitState.Open when status.NextAttempt is { } next =>
            $"**Next probe:** in {Math.Max(0, Math.Ceiling((next - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s, at "
                + $"{next:HH:mm:ss} UTC: the first call after that is let through as a probe.",
        CircuitState.HalfOpen => "**Next probe:** the next call, while a probe slot is free.",
        CircuitState.Isolated => "**Next probe:** none until a reset.",
        _ => "**Next probe:** none: the circuit is closed.",
    };
}
