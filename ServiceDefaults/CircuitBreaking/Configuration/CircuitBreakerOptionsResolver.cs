using Microsoft.Extensions.Configuration;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Builds a breaker's options from configuration in layers: <c>CircuitBreaker:Defaults</c>, then
/// <c>CircuitBreaker:Services:{service}</c>, then for writes <c>CircuitBreaker:Services:{service}:Write</c>.
/// A top-level <c>CircuitBreaker:Enabled</c> switches every breaker off for comparison runs.
/// </summary>
public sealed class CircuitBreakerOptionsResolver(IConfiguration configuration)
{
    /// <summary>The configuration section everything is read from.</summary>
    public const string SectionName = "CircuitBreaker";

    private readonly IConfigurationSection _section = configuration.GetSection(SectionName);

    /// <summary>The effective options of one service's read or write breaker.</summary>
    public CircuitBreakerOptions Resolve(string service, bool isWrite)
    {
        var options = new CircuitBreakerOptions();
        _section.GetSection("Defaults").Bind(options);
        var serviceSection = _section.GetSection("Services").GetSection(service);
        serviceSection.Bind(options);
        if (isWrite)
        {
            serviceSection.GetSection("Write").Bind(options);
        }

        return _section.GetValue<bool?>("Enabled") is false ? options with { Enabled = false } : options;
    }

    /// <summary>The services named under <c>CircuitBreaker:Services</c>, with whether each has a <c>Write</c> section.</summary>
    public IEnumerable<(string Service, bool HasWriteSection)> ConfiguredServices() =>
        _section.GetSection("Services").GetChildren()
            .Select(s => (s.Key, s.GetSection("Write").Exists()));
}
