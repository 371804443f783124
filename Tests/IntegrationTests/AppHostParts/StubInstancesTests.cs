namespace CircuitDemo.IntegrationTests.AppHostParts;

/// <summary>
/// The AppHost's instance counts, read from its own model without starting anything: every stub's, one service's over
/// it, and a count out of range stopping the AppHost with a message that names the setting.
/// </summary>
public sealed class StubInstancesTests
{
    [Fact]
    public async Task OneServicesCount_OverEveryStubs_GivesThatServiceItsInstances()
    {
        var names = await ResourceNamesAsync($"{Settings.StubInstances}=2", $"{Settings.StubInstancesOf(ServiceNames.Payment)}=3");

        Assert.Subset(names, new HashSet<string> { "user-service", "user-service-2", "order-service", "order-service-2", "payment-service", "payment-service-2", "payment-service-3" });
        Assert.DoesNotContain("user-service-3", names);
        Assert.DoesNotContain("payment-service-4", names);
    }

    [Theory]
    [InlineData("Stubs:Instances", "0")]
    [InlineData("Stubs:payment-service:Instances", "10")]
    [InlineData("Stubs:payment-service:Instances", "three")]
    public async Task CountOutOfRange_StopsTheAppHost_NamingTheSetting(string setting, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ResourceNamesAsync($"{setting}={value}"));

        Assert.Contains($"{setting} must be a whole number between 1 and {Settings.MaxStubInstances} (was '{value}')", error.ToString());
    }

    private static async Task<HashSet<string>> ResourceNamesAsync(params string[] arguments)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. arguments, "Parameters:admin-key=stub-instances-test-key"], (options, _) => options.DisableDashboard = true);
        return [.. builder.Resources.Select(r => r.Name)];
    }
}
