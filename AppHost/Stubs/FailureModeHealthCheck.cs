using CircuitDemo.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>
/// A stub that misbehaves on purpose is Degraded on the dashboard ("Running (Degraded)"), so a broken service is
/// visible before any request reaches it. Its own <c>/health</c> stays Healthy: the failure mode never applies there.
/// Aspire runs this check every 30 s while the stub is healthy; <see cref="FailureModeWatcher"/> publishes the same
/// verdict the moment it reads a new mode, so the row turns Degraded with the mode, not up to 30 s later.
/// </summary>
internal sealed class FailureModeHealthCheck(WatchedStub stub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Verdict(stub.Mode));

    /// <summary>Degraded while a failure mode is on; Healthy with none, or while the mode cannot be read.</summary>
    public static HealthCheckResult Verdict(FailureMode? mode) =>
        mode is { Mode: not FailureKind.None }
            ? HealthCheckResult.Degraded($"Failure mode: {FailureModeText.Describe(mode)}. Press Recover to end it.")
            : HealthCheckResult.Healthy("No failure mode.");
}
