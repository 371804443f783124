using CircuitDemo.ServiceDefaults.HttpClients;
using CircuitDemo.ServiceDefaults.Health;
using CircuitDemo.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CircuitDemo service shares: OpenTelemetry, health checks, service discovery, and the circuit-breaker
/// pipeline (read retry, breaker, attempt timeout, whole-body read) on every outgoing HttpClient.
/// </summary>
public static class Extensions
{
    /// <summary>The path of the readiness endpoint (every check, with one entry per breaker).</summary>
    public const string HealthEndpointPath = CircuitDemo.Contracts.Paths.Health;

    /// <summary>The path of the liveness endpoint (only the "live" check).</summary>
    public const string AlivenessEndpointPath = CircuitDemo.Contracts.Paths.Alive;

    /// <summary>Adds the shared defaults to a service.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDiscovery();
        // The pipeline resolves each call's service itself (through service discovery) and chooses the instance: the
        // breaker must see "payment-service", and its endpoint records pick among the addresses it resolves to.
        builder.Services.ConfigureHttpClientDefaults(static http => http.AddCircuitBreakerPipeline());
        return builder;
    }

    /// <summary>Adds the liveness check that <c>/alive</c> reports.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// The middleware every service shares: errors and empty error answers become ProblemDetails, and endpoints
    /// marked with <c>RequireAdminKey()</c> are guarded before their body is read.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        // A request the framework cannot bind (malformed JSON, a string where a number belongs) is the client's
        // error: 400 with ProblemDetails, not the 500 an unhandled exception would give.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseAdminKey();
        return app;
    }

    /// <summary>Maps <c>/health</c> (JSON, one entry per check) and <c>/alive</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Both are mapped in every environment: the gateway's breaker states are part of its contract,
        // and they reveal nothing secret.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportJsonWriter.WriteAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
