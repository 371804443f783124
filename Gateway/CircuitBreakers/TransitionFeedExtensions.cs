namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>Registers the <see cref="TransitionFeed"/> and the stream's limits.</summary>
public static class TransitionFeedExtensions
{
    /// <summary>Adds the feed as a singleton, and <see cref="CircuitBreakerStreamOptions"/>, validated at start.</summary>
    public static IServiceCollection AddTransitionFeed(this IServiceCollection services)
    {
        services.AddOptions<CircuitBreakerStreamOptions>()
            .BindConfiguration(CircuitBreakerStreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TransitionFeed>();
        return services;
    }
}
