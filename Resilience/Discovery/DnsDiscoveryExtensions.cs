using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>Service discovery, with DNS SRV records after configuration when <c>ServiceDiscovery:Dns:Enabled</c> is true.</summary>
public static class DnsDiscoveryExtensions
{
    /// <summary>
    /// Adds service discovery's providers in the order they are asked: configuration (<c>services__{service}__http__{i}</c>,
    /// as the AppHost gives it), then DNS SRV records when enabled, then the name itself. <see cref="DnsDiscoveryOptions"/>
    /// are checked at start.
    /// </summary>
    public static IServiceCollection AddServiceDiscoveryWithDns(this IServiceCollection services, IHostApplicationBuilder builder)
    {
        services.AddOptions<DnsDiscoveryOptions>()
            .BindConfiguration(DnsDiscoveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddServiceDiscoveryCore();
        services.AddConfigurationServiceEndpointProvider();
        if (builder.Configuration.GetSection(DnsDiscoveryOptions.SectionName).GetValue<bool>(nameof(DnsDiscoveryOptions.Enabled)))
        {
            services.AddSingleton<IServiceEndpointProviderFactory, DnsSrvEndpointProviderFactory>();
        }

        services.AddPassThroughServiceEndpointProvider();
        return services;
    }
}
