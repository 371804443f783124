using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>Registers the typed clients of the three services.</summary>
public static class DownstreamClientsExtensions
{
    /// <summary>
    /// Adds the user, order, payment and failure-mode clients. Each HttpClient gets the circuit-breaker pipeline that
    /// ServiceDefaults adds to every client, and finds its service by its resource name through service discovery.
    /// </summary>
    public static IServiceCollection AddDownstreamClients(this IServiceCollection services)
    {
        services.AddHttpClient<UserServiceClient>(c => c.BaseAddress = BaseAddress(ServiceNames.User));
        services.AddHttpClient<OrderServiceClient>(c => c.BaseAddress = BaseAddress(ServiceNames.Order));
        services.AddHttpClient<PaymentServiceClient>(c => c.BaseAddress = BaseAddress(ServiceNames.Payment));
        services.AddHttpClient<FailureModeClient>();
        return services;
    }

    /// <summary>A service's address through service discovery.</summary>
    public static Uri BaseAddress(string service) => new($"http://{service}");
}
