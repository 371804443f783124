using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CircuitDemo.UnitTests.CircuitBreaking;

public class CircuitBreakerOptionsTests
{
    public static TheoryData<string, CircuitBreakerOptions> InvalidOptions => new()
    {
        { "FailureThreshold", new() { FailureThreshold = 0 } },
        { "FailureThreshold", new() { FailureThreshold = 1001 } },
        { "FailureWindow", new() { FailureWindow = TimeSpan.Zero } },
        { "FailureRatio", new() { FailureRatio = 0 } },
        { "FailureRatio", new() { FailureRatio = 1.5 } },
        { "MinimumThroughput", new() { MinimumThroughput = 0 } },
        { "SamplingDuration", new() { SamplingDuration = TimeSpan.FromMilliseconds(1) } },
        { "OpenDuration", new() { OpenDuration = TimeSpan.FromSeconds(-1) } },
        { "OpenDurationMultiplier", new() { OpenDurationMultiplier = 0.5 } },
        { "MaxOpenDuration", new() { OpenDuration = TimeSpan.FromMinutes(10), MaxOpenDuration = TimeSpan.FromMinutes(5) } },
        { "SuccessThreshold", new() { SuccessThreshold = 0 } },
        { "HalfOpenMaxProbes", new() { HalfOpenMaxProbes = 0 } },
        { "AttemptTimeout", new() { AttemptTimeout = TimeSpan.Zero } },
        { "AttemptTimeout", new() { AttemptTimeout = TimeSpan.FromMilliseconds(5) } }, // Polly's timeout refuses under 10 ms
        { "AttemptTimeout", new() { AttemptTimeout = TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1) } },
    };

    [Theory]
    [InlineData("00:00:00.010")]
    [InlineData("1.00:00:00")]
    public void AttemptTimeout_AtEitherEndOfTheAcceptedRange_BuildsPollysPipeline(string attemptTimeout)
    {
        using var pipeline = new ClientPipeline(configuration: new() { ["CircuitBreaker:Services:user-service:AttemptTimeout"] = attemptTimeout });

        Assert.Empty(CircuitBreakerOptionsValidator.Validate("user-service", pipeline.Status("user-service").Options));
        foreach (var key in CircuitDemo.ServiceDefaults.HttpClients.CircuitBreakerPipeline.KeysOf(pipeline.Registry))
        {
            var builder = new Polly.ResiliencePipelineBuilder<HttpResponseMessage>();
            CircuitDemo.ServiceDefaults.HttpClients.CircuitBreakerPipeline.Build(builder, key, pipeline.Services);
            Assert.NotNull(builder.Build());
        }
    }

    [Fact]
    public void DeclaredBreakers_AreValidatedOnStartByTheOptionsFramework_NamingTheBreakerAndTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:order-service:HalfOpenMaxProbes"] = "0";
        builder.AddCircuitBreakers(["user-service", "order-service"]);
        using var host = builder.Build();

        // What the host runs before any hosted service starts (ValidateOnStart).
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Equal("order-service", error.OptionsName);
        Assert.Equal(["Circuit breaker 'order-service': HalfOpenMaxProbes must be between 1 and 1000 (was 0)."], error.Failures);
    }

    [Fact]
    public async Task Host_AttemptTimeoutPollyRefuses_StopsAtStartNamingTheBreakerAndTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:user-service:AttemptTimeout"] = "00:00:00.005";
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("'user-service': AttemptTimeout must be between 10 ms", error.ToString());
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidValue_MessageNamesTheOptionAndRange(string option, CircuitBreakerOptions options)
    {
        var error = Assert.Single(CircuitBreakerOptionsValidator.Validate("payment-service", options));

        Assert.StartsWith($"Circuit breaker 'payment-service': {option} must be ", error);
        var thrown = Assert.Throws<InvalidOperationException>(() => new CircuitBreaker("payment-service", options));
        Assert.Contains(option, thrown.Message);
    }

    [Fact]
    public void Validate_Defaults_AreValid() =>
        Assert.Empty(CircuitBreakerOptionsValidator.Validate("any", new CircuitBreakerOptions()));

    [Fact]
    public void Defaults_AreTheSeedValues()
    {
        var options = new CircuitBreakerOptions();

        Assert.Equal(
            (3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 2, 1, TimeSpan.FromSeconds(2), (double?)null, true),
            (options.FailureThreshold, options.FailureWindow, options.OpenDuration, options.SuccessThreshold,
             options.HalfOpenMaxProbes, options.AttemptTimeout, options.FailureRatio, options.Enabled));
    }

    [Fact]
    public void Resolve_LayersDefaultsServiceAndWrite()
    {
        var resolver = Resolver(new()
        {
            ["CircuitBreaker:Defaults:FailureThreshold"] = "7",
            ["CircuitBreaker:Defaults:SuccessThreshold"] = "4",
            ["CircuitBreaker:Services:payment-service:FailureThreshold"] = "2",
            ["CircuitBreaker:Services:payment-service:OpenDuration"] = "00:00:08",
            ["CircuitBreaker:Services:payment-service:Write:AttemptTimeout"] = "00:00:05",
        });

        var read = resolver.Resolve(new("payment-service", IsWrite: false));
        var write = resolver.Resolve(new("payment-service", IsWrite: true));
        var other = resolver.Resolve(new("user-service", IsWrite: false));

        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2)), (read.FailureThreshold, read.SuccessThreshold, read.OpenDuration, read.AttemptTimeout));
        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(5)), (write.FailureThreshold, write.SuccessThreshold, write.OpenDuration, write.AttemptTimeout));
        Assert.Equal((7, 4), (other.FailureThreshold, other.SuccessThreshold));
    }

    [Fact]
    public void Resolve_TopLevelEnabledFalse_SwitchesEveryBreakerOff()
    {
        var resolver = Resolver(new()
        {
            ["CircuitBreaker:Enabled"] = "false",
            ["CircuitBreaker:Services:payment-service:Enabled"] = "true",
        });

        Assert.False(resolver.Resolve(new("payment-service", IsWrite: false)).Enabled);
    }

    [Fact]
    public void Registry_InvalidConfiguredValue_FailsAtStartNamingTheOption()
    {
        var resolver = Resolver(new() { ["CircuitBreaker:Services:order-service:HalfOpenMaxProbes"] = "0" });

        var error = Assert.Throws<InvalidOperationException>(() => new CircuitBreakerRegistry(resolver, TimeProvider.System));

        Assert.Contains("'order-service': HalfOpenMaxProbes must be between 1 and 1000 (was 0)", error.Message);
    }

    [Fact]
    public void Registry_ConfiguredServices_ExistFromStartWithWriteSideWhereConfigured()
    {
        var registry = new CircuitBreakerRegistry(Resolver(new()
        {
            ["CircuitBreaker:Services:user-service:FailureThreshold"] = "2",
            ["CircuitBreaker:Services:payment-service:Write:AttemptTimeout"] = "00:00:05",
        }), TimeProvider.System);

        Assert.Equal(["payment-service", "payment-service:write", "user-service"], registry.All.Select(b => b.Name));
    }

    private static CircuitBreakerOptionsResolver Resolver(Dictionary<string, string?> values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
