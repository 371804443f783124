namespace CircuitDemo.IntegrationTests.Deployment;

/// <summary>The deployment manifest the AppHost writes lists every project, the traffic included, and no breaker rows.</summary>
public sealed class ManifestTests(AppHostManifest manifest) : IClassFixture<AppHostManifest>
{
    [Fact]
    public void Manifest_ListsEveryProjectAndTheParameters_ButNotTheBreakerRows()
    {
        var resources = manifest.Resources;
        foreach (var project in ServiceNames.Stubs.Append(ServiceNames.Gateway).Append(ServiceNames.Traffic))
        {
            Assert.StartsWith("project.", resources.GetProperty(project).GetProperty("type").GetString());
        }

        Assert.True(resources.TryGetProperty("admin-key", out _));
        Assert.True(resources.TryGetProperty("traffic-rate", out _));
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Name.EndsWith("-breaker", StringComparison.Ordinal));
    }
}
