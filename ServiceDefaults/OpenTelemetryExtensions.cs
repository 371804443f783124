using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>OpenTelemetry for every service: ASP.NET Core, HttpClient, runtime and the circuit breakers, exported by OTLP to the dashboard.</summary>
public static class OpenTelemetryExtensions
{
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
                .AddMeter(CircuitBreakerTelemetry.MeterName)
                .AddMeter(PollyMeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(CircuitBreakerTelemetry.MeterName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsPolled(context.Request))
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = CircuitBreakerTelemetry.EnrichHttpClientSpan));

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
        || (HttpMethods.IsGet(request.Method) && (request.Path.StartsWithSegments(Paths.FailureMode) || request.Path.StartsWithSegments(Paths.Stats)));
}
