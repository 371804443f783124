using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.UnitTests.Http;

/// <summary>
/// Every instance of a service as service discovery resolves it, with its name: under the AppHost the resource's, on a
/// cluster the pod's, so that <c>/simulate-failure/{name}</c> addresses the instance of that name.
/// </summary>
public sealed class ServiceInstancesTests
{
    [Fact]
    public async Task UnderTheAppHost_TheIthEndpointIsTheIthResource()
    {
        var instances = await ResolveAsync(new()
        {
            ["services:payment-service:http:0"] = "http://localhost:3003",
            ["services:payment-service:http:1"] = "http://localhost:3013",
            ["services:payment-service:http:2"] = "http://localhost:3023",
        });

        Assert.Equal(
            [("payment-service", "http://localhost:3003/"), ("payment-service-2", "http://localhost:3013/"), ("payment-service-3", "http://localhost:3023/")],
            instances.Select(i => (i.Name, i.Address.ToString())));
    }

    [Fact]
    public async Task OnACluster_EachPodByItsOwnName_WhateverItsPlaceInTheList()
    {
        var instances = await ResolveAsync(new()
        {
            ["services:payment-service:http:0"] = "http://payment-service-2.payment-service:8080",
            ["services:payment-service:http:1"] = "http://payment-service-0.payment-service:8080",
            ["services:payment-service:http:2"] = "http://payment-service-1.payment-service.default.svc.cluster.local:8080",
        });

        Assert.Equal(["payment-service-2", "payment-service-0", "payment-service-1"], instances.Select(i => i.Name));
    }

    [Fact]
    public async Task TheSameList_IsTheSameObject_UntilServiceDiscoveryResolvesAnother()
    {
        await using var services = Services(new() { ["services:payment-service:http:0"] = "http://localhost:3003" });
        var resolver = services.GetRequiredService<ServiceInstances>();

        var first = await resolver.ResolveAsync("payment-service", CancellationToken.None);
        var second = await resolver.ResolveAsync(new Uri("http://payment-service/payments/user/1"), CancellationToken.None);

        Assert.Same(first, second);
    }

    private static async Task<IReadOnlyList<ServiceInstance>> ResolveAsync(Dictionary<string, string?> configuration)
    {
        await using var services = Services(configuration);
        return await services.GetRequiredService<ServiceInstances>().ResolveAsync("payment-service", CancellationToken.None);
    }

    private static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddServiceDiscovery();
        services.AddSingleton<ServiceInstances>();
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("http://payment-service/payments/user/42", "http://127.0.0.1:3013/", "http://127.0.0.1:3013/payments/user/42")]
    [InlineData("http://payment-service/users/a%2Fb?x=1&y=%20#top", "http://localhost:3001/", "http://localhost:3001/users/a%2Fb?x=1&y=%20#top")]
    [InlineData("https://payment-service:8443/", "http://[::1]:5000/", "http://[::1]:5000/")]
    [InlineData("http://payment-service/p", "http://payment-service-0.payment-service.default.svc.cluster.local:8080/", "http://payment-service-0.payment-service.default.svc.cluster.local:8080/p")]
    public void Rewrite_SendsTheRequestToTheInstance_KeepingItsPathQueryAndFragment(string uri, string address, string expected)
    {
        var rewritten = ServiceInstances.Rewrite(new Uri(uri), new Uri(address));

        Assert.Equal(expected, rewritten.OriginalString);
        Assert.Equal(new Uri(expected), rewritten);
    }
}
