namespace CircuitDemo.Gateway.CircuitBreakers;

/// <summary>Registers the <see cref="TransitionFeed"/>, started with the host.</summary>
public static class TransitionFeedExtensions
{
    /// <summary>Adds the feed as a singleton that exists from start.</summary>
    public static IServiceCollection AddTransitionFeed(this IServiceCollection services)
    {
        services.AddSingleton<TransitionFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<TransitionFeed>());
        return services;
    }
}
