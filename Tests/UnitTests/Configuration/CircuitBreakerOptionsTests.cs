using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CircuitDemo.UnitTests.Configuration;

public class CircuitBreakerOptionsTests
{
    public static TheoryData<string, ServiceGuardOptions> InvalidOptions => new()
    {
        { "FailureThreshold", new() { Breaker = new() { FailureThreshold = 0 } } },
        { "FailureThreshold", new() { Breaker = new() { FailureThreshold = 1001 } } },
        { "FailureWindow", new() { Breaker = new() { FailureWindow = TimeSpan.Zero } } },
        { "FailureRatio", new() { Breaker = new() { FailureRatio = 0 } } },
        { "FailureRatio", new() { Breaker = new() { FailureRatio = 1.5 } } },
        { "MinimumThroughput", new() { Breaker = new() { MinimumThroughput = 0 } } },
        { "SamplingDuration", new() { Breaker = new() { SamplingDuration = TimeSpan.FromMilliseconds(1) } } },
        { "OpenDuration", new() { Breaker = new() { OpenDuration = TimeSpan.FromSeconds(-1) } } },
        { "OpenDurationMultiplier", new() { Breaker = new() { OpenDurationMultiplier = 0.5 } } },
        { "MaxOpenDuration", new() { Breaker = new() { OpenDuration = TimeSpan.FromMinutes(10), MaxOpenDuration = TimeSpan.FromMinutes(5) } } },
        { "SuccessThreshold", new() { Breaker = new() { SuccessThreshold = 0 } } },
        { "HalfOpenMaxProbes", new() { Breaker = new() { HalfOpenMaxProbes = 0 } } },
        { "AttemptTimeout", new() { Breaker = new() { AttemptTimeout = TimeSpan.Zero } } },
        { "AttemptTimeout", new() { Breaker = new() { AttemptTimeout = TimeSpan.FromMilliseconds(5) } } }, // Polly's timeout refuses under 10 ms
        { "AttemptTimeout", new() { Breaker = new() { AttemptTimeout = TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1) } } },
        { "SlowCallRatio", new() { Breaker = new() { SlowCallRatio = 0 } } },
        { "SlowCallWindow", new() { Breaker = new() { SlowCallWindow = 0 } } },
        { "MaxConcurrentCalls", new() { Limits = new() { MaxConcurrentCalls = 0 } } },
        { "EjectionConsecutiveFailures", new() { Ejection = new() { EjectionConsecutiveFailures = -1 } } },
        { "EjectionConsecutiveSlowCalls", new() { Ejection = new() { EjectionConsecutiveSlowCalls = 1001 } } },
        { "MaxEjectionTime", new() { Ejection = new() { BaseEjectionTime = TimeSpan.FromMinutes(10), MaxEjectionTime = TimeSpan.FromMinutes(5) } } },
        { "MaxEjectionPercent", new() { Ejection = new() { MaxEjectionPercent = 101 } } },
        { "LatencyDecay", new() { Ejection = new() { LatencyDecay = TimeSpan.FromMilliseconds(1) } } },
        { "MaxResponseBodyBytes", new() { Limits = new() { MaxResponseBodyBytes = 1023 } } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidValue_OneMessageNamingTheBreakerAndTheOption(string option, ServiceGuardOptions options)
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
        var options = new ServiceGuardOptions
        {
            Breaker = new() { AttemptTimeout = TimeSpan.FromSeconds(2.5), SlowCallDuration = TimeSpan.Parse(slowCallDuration, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var error = Assert.Single(new CircuitBreakerOptionsValidator().Validate("payment-service", options).Failures!);

        Assert.StartsWith("Circuit breaker 'payment-service': SlowCallDuration", error);
        Assert.Contains("AttemptTimeout (00:00:02.5000000)", error);
    }

    [Fact]
    public void Validate_Defaults_AreValid() =>
        Assert.True(new CircuitBreakerOptionsValidator().Validate("any", new ServiceGuardOptions()).Succeeded);

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
        Assert.Contains("order-service.Breaker.HalfOpenMaxProbes must be between 1 and 1000", failure);
    }

    [Fact]
    public async Task Host_AttemptTimeoutPollyRefuses_StopsAtStartNamingTheBreakerAndTheOption()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["CircuitBreaker:Services:user-service:AttemptTimeout"] = "00:00:00.005";
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("user-service.Breaker.AttemptTimeout must be between 00:00:00.0100000", error.ToString());
    }

    [Fact]
    public void Defaults_AreTheSeedValues()
    {
        var (guard, options) = (new ServiceGuardOptions(), new ServiceGuardOptions().Breaker);

        Assert.Equal(
            (3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 2, 1, TimeSpan.FromSeconds(2), (double?)null, true),
            (options.FailureThreshold, options.FailureWindow, options.OpenDuration, options.SuccessThreshold,
             options.HalfOpenMaxProbes, options.AttemptTimeout, options.FailureRatio, guard.Enabled));
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

        var read = breakers.Options("payment-service").Breaker;
        var write = breakers.Options("payment-service:write").Breaker;
        var other = breakers.Options("user-service").Breaker;

        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2)), (read.FailureThreshold, read.SuccessThreshold, read.OpenDuration, read.AttemptTimeout));
        Assert.Equal((2, 4, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(5)), (write.FailureThreshold, write.SuccessThreshold, write.OpenDuration, write.AttemptTimeout));
        Assert.Equal((7, 4), (other.FailureThreshold, other.SuccessThreshold));
    }

    [Fact]
    public void Bound_TheSameFlatKeys_IntoEachPart()
    {
        using var breakers = new ConfiguredBreakers(new Dictionary<string, string?>
        {
            ["CircuitBreaker:Services:payment-service:FailureThreshold"] = "7",
            ["CircuitBreaker:Services:payment-service:BaseEjectionTime"] = "00:01:00",
            ["CircuitBreaker:Services:payment-service:LatencyDecay"] = "00:00:03",
            ["CircuitBreaker:Services:payment-service:MaxResponseBodyBytes"] = "2048",
            ["CircuitBreaker:Services:payment-service:Enabled"] = "false",
        });

        var options = breakers.Options("payment-service");

        Assert.Equal(7, options.Breaker.FailureThreshold);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(3)), (options.Ejection.BaseEjectionTime, options.Ejection.LatencyDecay));
        Assert.Equal((2048L, false), (options.Limits.MaxResponseBodyBytes, options.Enabled));
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

        Assert.Contains("order-service.Breaker.HalfOpenMaxProbes must be between 1 and 1000", error.Message);
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
