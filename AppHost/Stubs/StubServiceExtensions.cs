using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>A stub service as the dashboard shows it: health, admin key, failure-mode buttons, its mode at a glance, links.</summary>
internal static class StubServiceExtensions
{
    /// <summary>
    /// Adds a stub service with its health check, the admin key, a button per failure mode, its current mode on its row
    /// (a property, and "Degraded" while it misbehaves on purpose) and links to its <c>/failure-mode</c> and <c>/stats</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddStubService<TProject>(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> adminKey)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithAdminKey(adminKey)
            .WithHttpHealthCheck(Paths.Health)
            .WithFailureModeCommands(adminKey)
            .WithUrls(context =>
            {
                if (context.GetEndpoint("http") is not { } http)
                {
                    return;
                }

                context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}{Paths.FailureMode}", DisplayText = "Failure mode" });
                context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}{Paths.Stats}", DisplayText = "Stats" });
            });

        builder.Services.AddFailureModeWatcher();
        var healthCheck = $"{name}-failure-mode";
        var watched = new WatchedStub(service.Resource, healthCheck);
        builder.Services.AddSingleton(watched);
        builder.Services.AddHealthChecks().AddCheck(healthCheck, new FailureModeHealthCheck(watched));
        return service.WithHealthCheck(healthCheck);
    }
}
