using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CircuitDemo.UnitTests.Configuration;

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
        { "SlowCallRatio", new() { SlowCallRatio = 0 } },
        { "SlowCallWindow", new() { SlowCallWindow = 0 } },
        { "MaxConcurrentCalls", new() { MaxConcurrentCalls = 0 } },
        { "EjectionConsecutiveFailures", new() { EjectionConsecutiveFailures = -1 } },
        { "EjectionConsecutiveSlowCalls", new() { EjectionConsecutiveSlowCalls = 1001 } },
        { "MaxEjectionTime", new() { BaseEjectionTime = TimeSpan.FromMinutes(10), MaxEjectionTime = TimeSpan.FromMinutes(5) } },
        { "MaxEjectionPercent", new() { MaxEjectionPercent = 101 } },
        { "LatencyDecay", new() { LatencyDecay = TimeSpan.FromMilliseconds(1) } },
        { "MaxResponseBodyBytes", new() { MaxResponseBodyBytes = 1023 } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidValue_OneMessageNamingTheBreakerAndTheOption(string option, CircuitBreakerOptions options)
    {
        var result = new CircuitBreakerOptionsValidator().Validate("payment-service", options);

        var error = Assert.Single(result.Failures!);
        Assert.Contains("payment-service", error);
        Assert.Contains(option, error);
    }

    [Theory]
    [InlineData("00:00:02.5")]
    [InlineData("00:00:03")]
    public void Validate_SlowCallDurationNotUnderTheAttemptTimeout_NamesBothOptions(string slowCallDuration)
    {
        var options = new CircuitBreakerOptions { AttemptTimeout = TimeSpan.FromSeconds(2.5), SlowCallDuration = TimeSpan.Parse(slowCallDuration, System.Globalization.CultureInfo.InvariantCulture) };

        var error = Assert.Single(new CircuitBreakerOptionsValidator().Validate("payment-service", options).Failures!);

        Assert.StartsWith("Circuit breaker 'payment-service': SlowCallDuration", error);
        Assert.Contains("AttemptTimeout (00:00:02.5000000)", error);
    }

    [Fact]
    public void Validate_Defaults_AreValid() =>
        Assert.True(new CircuitBreakerOptionsValidator().Validate("any", new CircuitBreakerOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00.010")]
    [InlineData("1.00:00:00")]
    public async Task AttemptTimeout_AtEitherEndOfTheAcceptedRange_BuildsPollysPipeline(string attemptTimeout)
    {
        // On a fake clock that never moves, so that 10 ms cannot run out before the stub answers on a loaded machine.
        using var pipeline = new ClientPipeline(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), configuration: new() { ["CircuitBreaker:Services:user-service:AttemptTimeout"] = attemptTimeout });

        var response = await pipeline.Client.GetAsync("http://user-service/users/1");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.Parse(attemptTimeout, System.Globalization.CultureInfo.InvariantCulture), pipeline.Status("user-service").Options.AttemptTimeout);
    }

    [Fact]
    public void DeclaredBreakers_AreValidatedOnStartByTheOptionsFramework_NamingTheBreakerAndTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:order-service:HalfOpenMaxProbes"] = "0";
        builder.AddCircuitBreakers(["user-service", "order-service"]);
        using var host = builder.Build();

        // What the host runs before any hosted service starts (ValidateOnStart).
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("order-service", error.OptionsName);
        var failure = Assert.Single(error.Failures);
        Assert.Contains("order-service.HalfOpenMaxProbes must be between 1 and 1000", failure);
    }

    [Fact]
    public async Task Host_AttemptTimeoutPollyRefuses_StopsAtStartNamingTheBreakerAndTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:user-service:AttemptTimeout"] = "00:00:00.005";
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("user-service.AttemptTimeout must be between 00:00:00.0100000", error.ToString());
    }

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
    public void Bound_ByName_LayersDefaultsServiceAndWrite()
    {
        using var breakers = new ConfiguredBreakers(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Defaults:FailureThreshold"] = "7",
            ["CircuitBreaker:Defaults:SuccessThreshold"] = "4",
            ["CircuitBreaker:Services:payment-service:FailureThreshold"] = "2",
            ["CircuitBreaker:Services:payment-service:OpenDuration"] = "00:00:08",
            ["CircuitBreaker:Services:payment-service:Write:AttemptTimeout"] = "00:00:05",
        });

        var read = breakers.Options("payment-service");
        var write = breakers.Options("payment-service:write");
        var other = breakers.Options("user-service");

        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2)), (read.FailureThreshold, read.SuccessThreshold, read.OpenDuration, read.AttemptTimeout));
        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(5)), (write.FailureThreshold, write.SuccessThreshold, write.OpenDuration, write.AttemptTimeout));
        Assert.Equal((7, 4), (other.FailureThreshold, other.SuccessThreshold));
    }

    [Fact]
    public void Bound_TopLevelEnabledFalse_SwitchesEveryBreakerOff()
    {
        using var breakers = new ConfiguredBreakers(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Enabled"] = "false",
            ["CircuitBreaker:Services:payment-service:Enabled"] = "true",
        });

        Assert.False(breakers.Options("payment-service").Enabled);
    }

    [Fact]
    public void Registry_InvalidConfiguredValue_FailsAtCreationNamingTheOption()
    {
        using var breakers = new ConfiguredBreakers(new Dictionary<string, string?> { ["CircuitBreaker:Services:order-service:HalfOpenMaxProbes"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => breakers.Registry);

        Assert.Contains("order-service.HalfOpenMaxProbes must be between 1 and 1000", error.Message);
    }

    [Fact]
    public void Registry_ConfiguredServices_ExistFromStartWithWriteSideWhereConfigured()
    {
        using var breakers = new ConfiguredBreakers(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Services:user-service:FailureThreshold"] = "2",
            ["CircuitBreaker:Services:payment-service:Write:AttemptTimeout"] = "00:00:05",
        });

        Assert.Equal(["payment-service", "payment-service:write", "user-service"], breakers.Registry.Statuses().Select(b => b.Name));
    }
}
