using Microsoft.Extensions.Configuration;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Builds a breaker's options from configuration in layers: <c>CircuitBreaker:Defaults</c>, then
/// <c>CircuitBreaker:Services:{service}</c>, then for writes <c>CircuitBreaker:Services:{service}:Write</c>.
/// A top-level <c>CircuitBreaker:Enabled</c> switches every breaker off for comparison runs.
/// </summary>
internal sealed class CircuitBreakerOptionsResolver(IConfiguration configuration)
{
    /// <summary>The configuration section everything is read from.</summary>
    public const string SectionName = CircuitDemo.Contracts.Settings.CircuitBreakerSection;

    private readonly IConfigurationSection _section = configuration.GetSection(SectionName);

    /// <summary>The effective options of one service's read or write breaker.</summary>
    public CircuitBreakerOptions Resolve(CircuitBreakerKey key)
    {
        var options = new CircuitBreakerOptions();
        _section.GetSection("Defaults").Bind(options);
        var serviceSection = _section.GetSection("Services").GetSection(key.Service);
        serviceSection.Bind(options);
        if (key.IsWrite)
        {
            serviceSection.GetSection("Write").Bind(options);
        }

        return _section.GetValue<bool?>("Enabled") is false ? options with { Enabled = false } : options;
    }

    /// <summary>The breakers configuration names: a read breaker per service under <c>CircuitBreaker:Services</c>, and a write breaker where it has a <c>Write</c> section.</summary>
    public IEnumerable<CircuitBreakerKey> ConfiguredBreakers() =>
        _section.GetSection("Services").GetChildren().SelectMany(service => service.GetSection("Write").Exists()
            ? new[] { new CircuitBreakerKey(service.Key, false), new CircuitBreakerKey(service.Key, true) }
            : [new CircuitBreakerKey(service.Key, false)]);
}
