using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>Registers the breaker and its attempt timeout and read retry on an HttpClient.</summary>
public static class CircuitBreakerHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds, from outside in: one retry of a failed read (never of a write, a rejection or a timeout), the circuit
    /// breaker, and the per-attempt timeout, so that a timeout counts as the breaker's failure. Add service
    /// discovery after this, so the breaker sees the logical service name rather than a resolved address.
    /// </summary>
    public static IHttpClientBuilder AddCircuitBreaker(this IHttpClientBuilder builder)
    {
        builder.Services.AddCircuitBreakerRegistry();
        builder.AddResilienceHandler("read-retry", ConfigureReadRetry);
        builder.AddHttpMessageHandler(services => new CircuitBreakerHandler(
            services.GetRequiredService<CircuitBreakerRegistry>(),
            services.GetRequiredService<CircuitBreakerTelemetry>()));
        builder.AddResilienceHandler("attempt-timeout", ConfigureAttemptTimeout);
        return builder;
    }

    /// <summary>Registers the registry, the options resolver and the telemetry once.</summary>
    public static IServiceCollection AddCircuitBreakerRegistry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CircuitBreakerOptionsResolver>();
        services.TryAddSingleton<CircuitBreakerRegistry>();
        services.TryAddSingleton<CircuitBreakerTelemetry>();
        return services;
    }

    private static void ConfigureReadRetry(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) =>
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
        });

    // A read is retried once after a fast failure. Never a write (it might have been applied), never a rejection
    // (the breaker has just said no), never a timeout (it has already spent the caller's time).
    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        if (context.GetRequestMessage() is not { } request || CircuitBreakerNames.IsWrite(request.Method))
        {
            return false;
        }

        return outcome.Exception switch
        {
            null => outcome.Result is { } response && OutcomeClassifier.IsFailureStatus(response.StatusCode),
            HttpRequestException => true,
            _ => false,
        };
    }

    private static void ConfigureAttemptTimeout(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var registry = context.ServiceProvider.GetRequiredService<CircuitBreakerRegistry>();
        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(AttemptTimeoutFor(registry, args.Context)),
        });
    }

    private static TimeSpan AttemptTimeoutFor(CircuitBreakerRegistry registry, ResilienceContext context)
    {
        var request = context.GetRequestMessage();
        if (request?.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            return new CircuitBreakerOptions().AttemptTimeout;
        }

        return registry.Get(uri.Host, CircuitBreakerNames.IsWrite(request.Method)).Options.AttemptTimeout;
    }
}
