using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Registers the breakers of a service: the registry, its telemetry, validation at start, health entries.</summary>
public static class CircuitBreakingExtensions
{
    /// <summary>
    /// Declares the breakers this service calls through. They exist from start: their options are validated before
    /// the first request (a bad value stops the process with a message naming the option), the status and the state
    /// gauge show them before any call, and each has an entry in <c>/health</c> (Degraded unless Closed).
    /// </summary>
    public static TBuilder AddCircuitBreakers<TBuilder>(this TBuilder builder, IEnumerable<string> breakerNames) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddCircuitBreakerRegistry();
        var healthChecks = builder.Services.AddHealthChecks();
        var configured = new CircuitBreakerOptionsResolver(builder.Configuration).ConfiguredBreakers().Select(k => k.Name);
        foreach (var name in breakerNames.Union(configured, StringComparer.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton(new DeclaredCircuitBreaker(CircuitBreakerKey.FromName(name)));
            builder.Services.AddOptions<CircuitBreakerOptions>(name).ValidateOnStart();
            healthChecks.Add(new HealthCheckRegistration(
                CircuitDemo.Contracts.HealthReportView.CircuitBreakerPrefix + name,
                services => new CircuitBreakerHealthCheck(services.GetRequiredService<CircuitBreakerRegistry>(), name),
                failureStatus: HealthStatus.Degraded,
                tags: ["circuit-breaker"]));
        }

        return builder;
    }

    /// <summary>
    /// Registers, once: the registry; breaker options through the options framework (named by breaker, validated by
    /// <see cref="CircuitBreakerOptionsValidation"/>); the telemetry; and the start-up service that builds the pipelines.
    /// </summary>
    internal static IServiceCollection AddCircuitBreakerRegistry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CircuitBreakerOptionsResolver>();
        services.AddOptions();
        services.TryAddTransient<IOptionsFactory<CircuitBreakerOptions>, CircuitBreakerOptionsFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CircuitBreakerOptions>, CircuitBreakerOptionsValidation>());
        services.TryAddSingleton(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<CircuitBreakerRegistry>();
            var options = provider.GetRequiredService<IOptionsMonitor<CircuitBreakerOptions>>();
            return new CircuitBreakerRegistry(
                provider.GetRequiredService<CircuitBreakerOptionsResolver>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetServices<DeclaredCircuitBreaker>().Select(d => d.Key),
                (breaker, exception) => CircuitBreakerLog.SubscriberFailed(logger, breaker.Name, exception),
                key => options.Get(key.Name));
        });
        services.TryAddSingleton<CircuitBreakerTelemetry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CircuitBreakerStartup>());
        return services;
    }
}
