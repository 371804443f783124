using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.ServiceDefaults.Health;

/// <summary>Writes a health report as the JSON of <see cref="Contracts.HealthReportView"/>: the overall status and one entry per check.</summary>
internal static class HealthReportJsonWriter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The response writer for <c>/health</c>.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new Contracts.HealthReportView(
            report.Status.ToString(),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new Contracts.HealthEntryView(e.Value.Status.ToString(), e.Value.Description, e.Value.Data)));
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Options));
    }
}
