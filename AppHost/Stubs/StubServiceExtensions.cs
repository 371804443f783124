using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>A stub service as that many project resources, one per instance: what the gateway gets as the service's endpoints.</summary>
internal sealed record StubInstances(string Service, IReadOnlyList<IResourceBuilder<ProjectResource>> Instances);

/// <summary>A stub service as the dashboard shows it: health, admin key, failure-mode buttons, its mode at a glance, links.</summary>
internal static class StubServiceExtensions
{
    /// <summary>
    /// Adds the instances of a stub service (<see cref="StubInstanceCount"/>), each a resource and a row of
    /// its own (<see cref="ServiceNames.Instance"/>): the first keeps the service's name and demo port, instance i runs on
    /// the demo port + 10 x (i - 1). Separate resources rather than Aspire's replicas, which sit behind one proxied
    /// endpoint that no client can tell apart.
    /// </summary>
    public static StubInstances AddStubInstances<TProject>(
        this IDistributedApplicationBuilder builder, string service, IResourceBuilder<ParameterResource> adminKey)
        where TProject : IProjectMetadata, new()
    {
        var count = builder.StubInstanceCount(service);
        var first = builder.AddStubService<TProject>(service, adminKey);
        var demoPort = first.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port;
        var instances = new List<IResourceBuilder<ProjectResource>> { first };
        for (var i = 2; i <= count; i++)
        {
            var port = demoPort + (10 * (i - 1));
            instances.Add(builder.AddStubService<TProject>(ServiceNames.Instance(service, i), adminKey).WithEndpoint("http", e => e.Port = port));
        }

        return new StubInstances(service, instances);
    }

    /// <summary>
    /// The instance count of <paramref name="service"/>: <c>Stubs:{service}:Instances</c>, else <c>Stubs:Instances</c>
    /// (every stub), else 1. A value out of range stops the AppHost with a message naming the setting.
    /// </summary>
    public static int StubInstanceCount(this IDistributedApplicationBuilder builder, string service)
    {
        var key = builder.Configuration[Settings.StubInstancesOf(service)] is null ? Settings.StubInstances : Settings.StubInstancesOf(service);
        var value = builder.Configuration[key];
        if (value is null)
        {
            return 1;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= Settings.MaxStubInstances
            ? count
            : throw new InvalidOperationException($"{key} must be a whole number between 1 and {Settings.MaxStubInstances} (was '{value}').");
    }

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
