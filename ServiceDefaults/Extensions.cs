using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Discovery;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Registration;
using CircuitDemo.ServiceDefaults.Health;
using CircuitDemo.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CircuitDemo service shares: OpenTelemetry (exported by OTLP to the dashboard), health checks, service
/// discovery (from configuration, or from DNS SRV records on a cluster), and the circuit-breaker pipeline (read retry,
/// breaker, attempt timeout, whole-body read) on every outgoing HttpClient.
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
        builder.Services.AddServiceDiscoveryWithDns(builder);
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

    /// <summary>Configures logs, metrics and traces, and the OTLP exporter when Aspire provides its endpoint.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(CircuitBreakerInstrumentation.MeterName)
                .AddMeter(PollyMeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(CircuitBreakerInstrumentation.MeterName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsPolled(context.Request))
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = CircuitBreakerInstrumentation.EnrichHttpClientSpan));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    // Polly's own meter: the read retries and attempt timeouts, beside the breaker's metrics.
    private const string PollyMeterName = "Polly";

    // Health probes, and the AppHost's reads of each stub's failure mode, come every second or few: tracing them would
    // bury the interesting traces.
    private static bool IsPolled(HttpRequest request) =>
        request.Path.StartsWithSegments(Extensions.HealthEndpointPath)
        || request.Path.StartsWithSegments(Extensions.AlivenessEndpointPath)
        || (HttpMethods.IsGet(request.Method)
            && (request.Path.StartsWithSegments(Paths.FailureMode) || request.Path.StartsWithSegments(Paths.Stats)));
}
