using CircuitDemo.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>
/// A stub that misbehaves on purpose is Degraded on the dashboard ("Running (Degraded)"), so a broken service is
/// visible before any request reaches it. Its own <c>/health</c> stays Healthy: the failure mode never applies there.
/// </summary>
internal sealed class FailureModeHealthCheck(WatchedStub stub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(stub.Mode is { Mode: not FailureKind.None } mode
            ? HealthCheckResult.Degraded($"Failure mode: {FailureModeText.Describe(mode)}. Press Recover to end it.")
            : HealthCheckResult.Healthy("No failure mode."));
}
