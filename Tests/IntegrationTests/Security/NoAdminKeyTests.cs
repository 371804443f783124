namespace CircuitDemo.IntegrationTests.Security;

/// <summary>
/// With no admin key configured the control plane is switched off: every state-changing endpoint of the four real
/// processes answers 404, even to a request that carries a key, and nothing changes. Run on the projects started
/// directly: the behaviour is each process's own, the orchestration adds nothing to it.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class NoAdminKeyTests(StandaloneServices services) : IClassFixture<StandaloneServices>
{
    [Fact]
    public async Task StateChangingEndpoints_NoKeyConfigured_Are404EvenWithAKey_AndChangeNothing()
    {
        foreach (var (resource, method, path, body) in AdminKeyTests.StateChangingEndpoints)
        {
            using var client = services.Client(resource);
            foreach (var key in new[] { null, CircuitDemoApp.AdminKey, "" })
            {
                using var request = AdminKeyTests.Request(method, path, body, key);
                await ProblemAssert.IsAsync(await client.SendAsync(request), 404);
            }
        }

        foreach (var service in ServiceNames.Stubs)
        {
            using var client = services.Client(service);
            Assert.Equal(FailureMode.None, await client.GetFromJsonAsync<FailureMode>("/failure-mode"));
        }

        using var gateway = services.Client(ServiceNames.Gateway);
        var breakers = await gateway.GetFromJsonAsync<BreakersView>("/circuit-breakers");
        Assert.All(breakers!.Breakers, b => Assert.Equal((CircuitState.Closed, 0), (b.State, b.StateChanges.Count)));
    }
}
