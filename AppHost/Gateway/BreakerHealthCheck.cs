using System.Net.Http.Json;
using System.Text.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.AppHost.Gateway;

/// <summary>
/// Reads the status inside the gateway's <c>/health</c> JSON. <c>WithHttpHealthCheck</c> only looks at the HTTP
/// status, and a tripped breaker still answers 200 (the gateway is alive and serving fallbacks); this check turns
/// the reported <c>Degraded</c> into the resource's health, so the dashboard shows it.
/// </summary>
internal sealed class BreakerHealthCheck(EndpointReference endpoint) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var report = await Http.GetFromJsonAsync<HealthReportView>(new Uri(new Uri(endpoint.Url), "/health"), cancellationToken)
                ?? throw new JsonException("The gateway's /health answered null.");
            var description = string.Join(" ", report.Entries.Values
                .Where(e => e.Status != nameof(HealthStatus.Healthy))
                .Select(e => e.Description));
            return report.Status switch
            {
                nameof(HealthStatus.Healthy) => HealthCheckResult.Healthy("Every circuit breaker is Closed."),
                nameof(HealthStatus.Degraded) => HealthCheckResult.Degraded(description),
                _ => HealthCheckResult.Unhealthy(description),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or NotSupportedException)
        {
            return HealthCheckResult.Unhealthy("The gateway's /health could not be read.", exception);
        }
    }
}

/// <summary>Registers <see cref="BreakerHealthCheck"/> on a resource.</summary>
internal static class BreakerHealthCheckExtensions
{
    /// <summary>The resource is Degraded on the dashboard while its <c>/health</c> JSON says Degraded.</summary>
    public static IResourceBuilder<ProjectResource> WithBreakerHealthCheck(this IResourceBuilder<ProjectResource> project)
    {
        var endpoint = project.GetEndpoint("http");
        var key = $"{project.Resource.Name}-circuit-breakers";
        project.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new BreakerHealthCheck(endpoint), failureStatus: null, tags: null));
        return project.WithHealthCheck(key);
    }
}
