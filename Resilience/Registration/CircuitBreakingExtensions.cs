using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Telemetry;
using OpenTelemetry.Metrics;

namespace CircuitDemo.Resilience.Registration;

/// <summary>The circuit breakers of a service, and the one resilience pipeline ServiceDefaults puts on every outgoing HttpClient.</summary>
public static class CircuitBreakingExtensions
{
    /// <summary>The name of the resilience handler (its <c>pipeline.name</c> in Polly's telemetry is the client's name, a dash, and this).</summary>
    public const string PipelineName = "circuit-breaker-pipeline";

    /// <summary>
    /// Declares the breakers this service calls through. They exist from start: their options are validated by the
    /// options framework before the first request (a bad value stops the process with a message naming the breaker and
    /// the option), the status and the state gauge show them before any call, and each has an entry in <c>/health</c>
    /// (Degraded unless Closed).
    /// </summary>
    public static TBuilder AddCircuitBreakers<TBuilder>(this TBuilder builder, IEnumerable<string> breakerNames)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddCircuitBreakerRegistry();
        var healthChecks = builder.Services.AddHealthChecks();
        var configured = new CircuitBreakerOptionsSetup(builder.Configuration).ConfiguredBreakers();
        foreach (var name in breakerNames.Union(configured, StringComparer.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton(new DeclaredCircuitBreaker(name));
            builder.Services.AddOptions<ServiceGuardOptions>(name).ValidateOnStart();
            healthChecks.Add(new HealthCheckRegistration(
                HealthReportView.CircuitBreakerPrefix + name,
                services => new CircuitBreakerHealthCheck(services.GetRequiredService<CircuitBreakerRegistry>(), name),
                failureStatus: HealthStatus.Degraded,
                tags: ["circuit-breaker"]));
        }

        return builder;
    }

    /// <summary>
    /// Adds Microsoft.Extensions.Http.Resilience's resilience handler, the only handler this adds, with one pipeline per
    /// breaker, built by <see cref="CircuitBreakerPipeline.Build"/> (whose remarks state the strategies' order). Only the
    /// services the process declares or configures are guarded; every host is still resolved through service discovery.
    /// Do not add service discovery's own handler as well: the pipeline resolves and chooses.
    /// </summary>
    public static IHttpClientBuilder AddCircuitBreakerPipeline(this IHttpClientBuilder builder)
    {
        builder.Services.AddCircuitBreakerRegistry();

        // HttpClient's own timeout must never be what ends a call (its cancellation would look like the caller's):
        // every attempt ends at its attempt timeout, and a read with its one retry within two of them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(
            PipelineName, static (pipeline, context) => CircuitBreakerPipeline.Build(pipeline, context.InstanceName, context.ServiceProvider))
            .SelectPipelineBy(static services =>
            {
                var registry = services.GetRequiredService<CircuitBreakerRegistry>();
                return request => CircuitBreakerPipeline.KeyOf(request, registry);
            });
        return builder;
    }

    /// <summary>
    /// How a call through this pipeline that threw <paramref name="exception"/> failed, by the same verdict the read
    /// retry reads. Ask only when the call's own caller has not cancelled: any other cancellation is a timeout.
    /// </summary>
    public static CallFailure FailureOf(Exception exception) => HttpOutcomeClassifier.FailureOf(exception);

    /// <summary>
    /// Registers, once: breaker options bound by name (<see cref="CircuitBreakerOptionsSetup"/>) and validated
    /// (<see cref="CircuitBreakerOptionsValidator"/>); the telemetry; the registry of every breaker, created with the meter
    /// provider so that its gauges report from start; and service discovery's resolver, which the pipeline chooses among.
    /// </summary>
    internal static IServiceCollection AddCircuitBreakerRegistry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ServiceGuardOptions>, CircuitBreakerOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceGuardOptions>, CircuitBreakerOptionsValidator>());
        services.TryAddSingleton<CircuitBreakerTelemetry>();

        // A call over the concurrency limit is an answer (the fallback, at once), counted as the breaker's rejection: not
        // the error Polly logs a rate limiter's rejection as, once per call, at the very moment the process is busiest.
        services.Configure<TelemetryOptions>(options => options.SeverityProvider = args =>
            args.Event.EventName is "OnRateLimiterRejected" or "OnHedging" ? ResilienceEventSeverity.Information : args.Event.Severity);
        services.TryAddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<CircuitBreakerRegistry>();
            var options = provider.GetRequiredService<IOptionsMonitor<ServiceGuardOptions>>();
            var configured = new CircuitBreakerOptionsSetup(provider.GetRequiredService<IConfiguration>()).ConfiguredBreakers();
            var telemetry = provider.GetRequiredService<CircuitBreakerTelemetry>();
            return new CircuitBreakerRegistry(
                provider.GetServices<DeclaredCircuitBreaker>().Select(d => d.Name).Union(configured, StringComparer.OrdinalIgnoreCase),
                options.Get,
                provider.GetRequiredService<TimeProvider>(),
                guard =>
                {
                    telemetry.Observe(guard.Name, guard.Breaker, guard.Instances, () => guard.Concurrency?.Limit);
                    if (guard.Hedges is { } hedges)
                    {
                        hedges.Counted += outcome => telemetry.RecordHedge(guard.Name, outcome);
                    }
                },
                (breaker, exception) => CircuitBreakerLog.SubscriberFailed(logger, breaker, exception));
        });
        services.ConfigureOpenTelemetryMeterProvider((provider, _) => provider.GetRequiredService<CircuitBreakerRegistry>());
        services.AddServiceDiscoveryCore();
        services.TryAddSingleton<ServiceInstances>();
        return services;
    }
}
