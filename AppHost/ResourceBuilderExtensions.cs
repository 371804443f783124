using CircuitDemo.Contracts;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.AppHost;

/// <summary>The wiring shared by the resources of CircuitDemo.</summary>
internal static class ResourceBuilderExtensions
{
    /// <summary>Adds a stub service with its health check, the admin key and its failure-mode buttons.</summary>
    public static IResourceBuilder<ProjectResource> AddStubService<TProject>(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> adminKey)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithAdminKey(adminKey)
            .WithHttpHealthCheck("/health")
            .WithFailureModeCommands(adminKey);

    /// <summary>Passes the admin key to the project as <c>Admin__Key</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithAdminKey(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> adminKey) =>
        project.WithEnvironment(Settings.AdminKeyVariable, adminKey);

    /// <summary>
    /// Forwards the AppHost's <c>CircuitBreaker</c> section (from its appsettings, command line or environment) to
    /// the project, so a test or a comparison run can set breaker options in one place.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCircuitBreakerConfiguration(
        this IResourceBuilder<ProjectResource> project, IConfiguration configuration)
    {
        foreach (var (key, value) in configuration.GetSection("CircuitBreaker").AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(Settings.EnvironmentVariable(key), value);
            }
        }

        return project;
    }
}
