using CircuitDemo.Contracts;
using CircuitDemo.AppHost.Stubs;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.AppHost.Gateway;

/// <summary>What the gateway gets beyond a plain project: its breakers' settings, and every instance of each stub service.</summary>
internal static class GatewayExtensions
{
    /// <summary>
    /// Forwards the AppHost's <c>CircuitBreaker</c> section (from its appsettings, command line or environment) to
    /// the project, so a test or a comparison run can set breaker options in one place.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCircuitBreakerConfiguration(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration)
    {
        foreach (var (key, value) in configuration.GetSection(Settings.CircuitBreakerSection).AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(Settings.EnvironmentVariable(key), value);
            }
        }

        return project;
    }

    /// <summary>
    /// Gives the gateway every instance of a stub service as that service's endpoints, in order
    /// (<c>services__{service}__http__{i}</c>, which service discovery resolves), and waits for each. The first is a plain
    /// reference, so that with one instance the gateway gets exactly what <c>WithReference</c> gives.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStubInstances(this IResourceBuilder<ProjectResource> gateway, StubInstances stub)
    {
        for (var i = 0; i < stub.Instances.Count; i++)
        {
            var instance = stub.Instances[i];
            gateway = i == 0
                ? gateway.WithReference(instance)
                : gateway.WithEnvironment($"services__{stub.Service}__http__{i}", instance.GetEndpoint("http")).WithReferenceRelationship(instance);
            gateway.WaitFor(instance);
        }

        return gateway;
    }
}
