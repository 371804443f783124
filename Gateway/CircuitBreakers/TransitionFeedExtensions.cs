namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>Registers the <see cref="TransitionFeed"/>, started with the host, and the stream's limits.</summary>
public static class TransitionFeedExtensions
{
    /// <summary>Adds the feed as a singleton that exists from start, and <see cref="CircuitBreakerStreamOptions"/>.</summary>
    public static IServiceCollection AddTransitionFeed(this IServiceCollection services)
    {
        services.AddOptions<CircuitBreakerStreamOptions>()
            .BindConfiguration(CircuitBreakerStreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TransitionFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<TransitionFeed>());
        return services;
    }
}
