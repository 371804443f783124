using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost;

/// <summary>The admin key: given to every project, and sent by the AppHost's own control-plane calls.</summary>
internal static class AdminKeyExtensions
{
    /// <summary>Passes the admin key to the project as <c>Admin__Key</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithAdminKey(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> adminKey) =>
        project.WithEnvironment(Settings.AdminKeyVariable, adminKey);

    /// <summary>Adds the admin key header to a control-plane request.</summary>
    public static async Task AddAdminKeyAsync(
        this HttpRequestMessage request, IResourceBuilder<ParameterResource> adminKey, CancellationToken cancellationToken) =>
        request.Headers.Add(HeaderNames.AdminKey, await adminKey.Resource.GetValueAsync(cancellationToken));
}
