namespace CircuitDemo.Gateway.Downstream;

/// <summary>Registers the typed clients of the three services; each gets the breaker from ServiceDefaults.</summary>
public static class DownstreamClientsExtensions
{
    /// <summary>Adds the user, order, payment and failure-mode clients.</summary>
    public static IServiceCollection AddDownstreamClients(this IServiceCollection services)
    {
        services.AddHttpClient<UserServiceClient>(c => c.BaseAddress = ServiceNames.BaseAddress(ServiceNames.User));
        services.AddHttpClient<OrderServiceClient>(c => c.BaseAddress = ServiceNames.BaseAddress(ServiceNames.Order));
        services.AddHttpClient<PaymentServiceClient>(c => c.BaseAddress = ServiceNames.BaseAddress(ServiceNames.Payment));
        services.AddHttpClient<FailureModeClient>();
        return services;
    }
}
