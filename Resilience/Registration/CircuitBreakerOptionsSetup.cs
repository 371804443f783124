using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Binds a breaker's options, named by the breaker, from configuration in layers: <c>CircuitBreaker:Defaults</c>, then
/// <c>CircuitBreaker:Services:{service}</c>, then for writes <c>CircuitBreaker:Services:{service}:Write</c>. A top-level
/// <c>CircuitBreaker:Enabled=false</c> takes every breaker out, for comparison runs.
/// </summary>
internal sealed class CircuitBreakerOptionsSetup(IConfiguration configuration) : IConfigureNamedOptions<CircuitBreakerOptions>
{
    /// <summary>The configuration section everything is read from.</summary>
    public const string SectionName = Contracts.Settings.CircuitBreakerSection;

    private readonly IConfigurationSection _section = configuration.GetSection(SectionName);

    public void Configure(string? name, CircuitBreakerOptions options)
    {
        var (service, isWrite) = Contracts.BreakerNames.Parse(name ?? Options.DefaultName);
        _section.GetSection("Defaults").Bind(options);
        var serviceSection = _section.GetSection("Services").GetSection(service);
        serviceSection.Bind(options);
        if (isWrite)
        {
            serviceSection.GetSection("Write").Bind(options);
        }

        if (_section.GetValue<bool?>("Enabled") is false)
        {
            options.GetType().GetProperty(nameof(CircuitBreakerOptions.Enabled))!.SetValue(options, false);
        }
    }

    public void Configure(CircuitBreakerOptions options) => Configure(Options.DefaultName, options);

    /// <summary>The breakers configuration names: a read breaker per service under <c>CircuitBreaker:Services</c>, and a write breaker where it has a <c>Write</c> section.</summary>
    public IEnumerable<string> ConfiguredBreakers() =>
        _section.GetSection("Services").GetChildren().SelectMany(service => service.GetSection("Write").Exists()
            ? new[] { service.Key, Contracts.BreakerNames.For(service.Key, isWrite: true) }
            : [service.Key]);
}
