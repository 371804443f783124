using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CircuitDemo.UnitTests.Support;

/// <summary>The breakers' options and registry as a host gets them: bound from configuration by the options framework.</summary>
internal sealed class ConfiguredBreakers : IDisposable
{
    private readonly ServiceProvider _services;

    public ConfiguredBreakers(Dictionary<string, string?>? values = null, TimeProvider? time = null)
        : this(new ConfigurationBuilder().AddInMemoryCollection(values ?? []).Build(), time)
    {
    }

    public ConfiguredBreakers(IConfiguration configuration, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddCircuitBreakerRegistry();
        _services = services.BuildServiceProvider();
    }

    /// <summary>A breaker's options by its name, through the options framework (validated on the way).</summary>
    public ServiceGuardOptions Options(string breaker) => _services.GetRequiredService<IOptionsMonitor<ServiceGuardOptions>>().Get(breaker);

    public CircuitBreakerRegistry Registry => _services.GetRequiredService<CircuitBreakerRegistry>();

    // Service discovery's resolver disposes only asynchronously.
    public void Dispose() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
