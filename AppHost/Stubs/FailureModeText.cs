using System.Globalization;
using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>A failure mode in a few words, for the dashboard.</summary>
internal static class FailureModeText
{
    public static string Describe(FailureMode mode) => mode.Mode switch
    {
        FailureKind.None => "none",
        FailureKind.Error => $"error ({mode.StatusCode})",
        FailureKind.Slow when mode.Rate is { } rate => $"slow ({rate.ToString("P0", CultureInfo.InvariantCulture)} of calls {mode.DelayMs} ms)",
        FailureKind.Slow => $"slow ({mode.DelayMs} ms)",
        FailureKind.Capacity => $"capacity ({mode.Concurrency} at once, {mode.ServiceTimeMs} ms each, {mode.QueueTimeoutMs} ms queue)",
        FailureKind.Flaky => $"flaky ({(mode.FailureRate ?? 0).ToString("P0", CultureInfo.InvariantCulture)})",
        FailureKind.Trickle => $"trickle ({mode.DurationMs} ms)",
        FailureKind.Garbage => $"garbage ({mode.Body?.ToString().ToLowerInvariant() ?? "random"})",
        FailureKind.Busy => $"busy ({mode.StatusCode}, Retry-After {mode.RetryAfterSeconds} s)",
        FailureKind.Huge => $"huge ({mode.SizeBytes} bytes)",
        var kind => kind.ToString().ToLowerInvariant(),
    };
}
