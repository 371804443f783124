using System.Net.Http.Json;
using System.Text.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// Reads the status inside the <c>/health</c> JSON of every gateway replica. <c>WithHttpHealthCheck</c> only looks at
/// the HTTP status of one address (with replicas, the proxy's: a random replica each time), and a tripped breaker still
/// answers 200 (the gateway is alive and serving fallbacks); this check turns the worst status any replica reports
/// into the resource's health, so the dashboard shows it.
/// </summary>
internal sealed class GatewayHealthCheck(Func<IReadOnlyList<Uri>> replicas, HttpClient http) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reports = await Task.WhenAll(replicas().Select(replica => ReadAsync(replica, cancellationToken)));
        if (reports.Length == 0)
        {
            return HealthCheckResult.Unhealthy("No gateway replica is running.");
        }

        var worst = reports.Min(r => r.Status);
        var description = string.Join(" ", reports.Where(r => r.Status != HealthStatus.Healthy).Select(r => r.Description));
        return worst switch
        {
            HealthStatus.Healthy => HealthCheckResult.Healthy("Every circuit breaker is Closed."),
            HealthStatus.Degraded => HealthCheckResult.Degraded(description),
            _ => HealthCheckResult.Unhealthy(description),
        };
    }

    private async Task<HealthCheckResult> ReadAsync(Uri replica, CancellationToken cancellationToken)
    {
        try
        {
            var report = await http.GetFromJsonAsync<HealthReportView>(new Uri(replica, Paths.Health), cancellationToken)
                ?? throw new JsonException("The gateway's /health answered null.");
            var description = string.Join(" ", report.Entries.Values
                .Where(e => e.Status != nameof(HealthStatus.Healthy))
                .Select(e => e.Description));
            return report.Status switch
            {
                nameof(HealthStatus.Healthy) => HealthCheckResult.Healthy(),
                nameof(HealthStatus.Degraded) => HealthCheckResult.Degraded(description),
                _ => HealthCheckResult.Unhealthy(description),
            };
        }
        catch (Exception exception) when (
            exception is HttpRequestException or JsonException or NotSupportedException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The /health of {replica} could not be read.", exception);
        }
    }
}
