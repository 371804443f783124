namespace CircuitDemo.IntegrationTests.Security;

/// <summary>
/// The admin key is never logged, at any level: the four processes log every category at Trace (the HttpClient's
/// request headers included), the key is used for real on every control-plane endpoint, and every line they wrote is
/// searched. Run on the projects started directly, so that what is searched is each process's whole output.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class AdminKeyLogTests(TracingStandaloneServices services) : IClassFixture<TracingStandaloneServices>
{
    [Fact]
    public async Task AdminKey_AtEveryLogLevel_AppearsInNoLogLine()
    {
        foreach (var (resource, method, path, body) in AdminKeyTests.StateChangingEndpoints)
        {
            using var client = services.Client(resource);
            using var request = AdminKeyTests.Request(method, path, body, TracingStandaloneServices.AdminKey);
            var response = await client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{method} {resource}{path} with the key: {(int)response.StatusCode}");
        }

        // The search means something only if the lowest levels were written, by every process.
        var output = services.Output.ToList();
        foreach (var resource in ServiceNames.Stubs.Append(ServiceNames.Gateway))
        {
            Assert.Contains(output, line => line.StartsWith($"{resource}: trce:", StringComparison.Ordinal));
            Assert.Contains(output, line => line.StartsWith($"{resource}: dbug:", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(output, line => line.Contains(TracingStandaloneServices.AdminKey, StringComparison.Ordinal));
    }
}
