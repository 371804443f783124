using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Binds a breaker's options, named by the breaker, from configuration in layers: <c>CircuitBreaker:Defaults</c>, then
/// <c>CircuitBreaker:Services:{service}</c>, then for writes <c>CircuitBreaker:Services:{service}:Write</c>. Each layer
/// is flat (<c>FailureThreshold</c>, <c>BaseEjectionTime</c>, <c>MaxResponseBodyBytes</c> side by side) and is bound into
/// each part of <see cref="ServiceGuardOptions"/>, which takes the keys it has. The binding is the configuration binder's
/// source generator, no reflection. A top-level <c>CircuitBreaker:Enabled=false</c> takes every breaker out, for
/// comparison runs.
/// </summary>
internal sealed class CircuitBreakerOptionsSetup(IConfiguration configuration) : IConfigureNamedOptions<ServiceGuardOptions>
{
    /// <summary>The configuration section everything is read from.</summary>
    public const string SectionName = Contracts.Settings.CircuitBreakerSection;

    private readonly IConfigurationSection _section = configuration.GetSection(SectionName);

    public void Configure(string? name, ServiceGuardOptions options)
    {
        var (service, isWrite) = Contracts.BreakerNames.Parse(name ?? Options.DefaultName);
        var serviceSection = _section.GetSection("Services").GetSection(service);
        Bind(_section.GetSection("Defaults"), options);
        Bind(serviceSection, options);
        if (isWrite)
        {
            Bind(serviceSection.GetSection("Write"), options);
        }

        if (_section.GetValue<bool?>("Enabled") is false)
        {
            options.Enabled = false;
        }
    }

    public void Configure(ServiceGuardOptions options) => Configure(Options.DefaultName, options);

    /// <summary>
    /// The breakers configuration names: a read breaker per service under <c>CircuitBreaker:Services</c>, and a write
    /// breaker where it has a <c>Write</c> section.
    /// </summary>
    public IEnumerable<string> ConfiguredBreakers() =>
        _section.GetSection("Services").GetChildren().SelectMany(service => service.GetSection("Write").Exists()
            ? new[] { service.Key, Contracts.BreakerNames.For(service.Key, isWrite: true) }
            : [service.Key]);

    private static void Bind(IConfigurationSection layer, ServiceGuardOptions options)
    {
        if (layer.GetValue<bool?>(nameof(ServiceGuardOptions.Enabled)) is { } enabled)
        {
            options.Enabled = enabled;
        }

        layer.Bind(options.Breaker);
        layer.Bind(options.Ejection);
        layer.Bind(options.Limits);
        layer.Bind(options.RetryBudget);
        layer.Bind(options.Hedging);
    }
}
