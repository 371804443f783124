using CircuitDemo.Resilience.Discovery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.UnitTests.Discovery;

public sealed class DnsDiscoveryOptionsTests
{
    [Theory]
    [InlineData("NameServer", "not-an-address", "ServiceDiscovery:Dns:NameServer 'not-an-address' is not an address and a port")]
    [InlineData("NameServer", "127.0.0.1", "ServiceDiscovery:Dns:NameServer '127.0.0.1' is not an address and a port")]
    [InlineData("RefreshPeriod", "00:00:00", "The field RefreshPeriod must be between")]
    [InlineData("RefreshPeriod", "01:00:00", "The field RefreshPeriod must be between")]
    public void BadOption_StopsTheHostAtStart_NamingTheOption(string option, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ServiceDiscovery:Dns:Enabled"] = "true";
        builder.Configuration[$"ServiceDiscovery:Dns:{option}"] = value;
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, Assert.Single(error.Failures));
    }

    [Fact]
    public void Defaults_TenSecondsAndTheSystemsResolver()
    {
        var options = new DnsDiscoveryOptions();

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RefreshPeriod);
        Assert.Null(options.NameServerEndPoint());
    }

    [Theory]
    [InlineData(false, new[] { "ConfigurationServiceEndpointProviderFactory", "PassThroughServiceEndpointProviderFactory" })]
    [InlineData(true, new[] { "ConfigurationServiceEndpointProviderFactory", nameof(DnsSrvEndpointProviderFactory), "PassThroughServiceEndpointProviderFactory" })]
    public void Enabled_DnsIsAskedAfterConfigurationAndBeforeTheNameItself(bool enabled, string[] providers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ServiceDiscovery:Dns:Enabled"] = enabled.ToString();
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var asked = host.Services.GetServices<IServiceEndpointProviderFactory>().Select(f => f.GetType().Name);

        Assert.Equal(providers, asked);
    }
}
