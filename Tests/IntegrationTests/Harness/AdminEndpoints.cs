extern alias gateway;
extern alias orderservice;
extern alias paymentservice;
extern alias userservice;

using CircuitDemo.ServiceDefaults.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Every control-plane endpoint of the four services, read from each service's own endpoint metadata (the routes
/// marked <c>RequireAdminKey()</c>), never listed by hand: an admin endpoint added to a service is tested without
/// anyone remembering to add it here. Each service is built in-process just to read its routes; nothing is called.
/// </summary>
internal static class AdminEndpoints
{
    private static readonly Lazy<IReadOnlyList<(string Resource, string Method, string Route)>> Routes = new(() =>
    [
        .. Read<gateway::Program>(ServiceNames.Gateway),
        .. Read<userservice::Program>(ServiceNames.User),
        .. Read<orderservice::Program>(ServiceNames.Order),
        .. Read<paymentservice::Program>(ServiceNames.Payment),
    ]);

    /// <summary>(resource, method, route template) of every endpoint that needs the admin key.</summary>
    public static IReadOnlyList<(string Resource, string Method, string Route)> All => Routes.Value;

    /// <summary>
    /// A concrete request for each of them: route parameters filled in with names that exist (every breaker for a
    /// breaker's route, every service for a service's), and a valid failure mode as the body where one is read.
    /// </summary>
    public static IEnumerable<(string Resource, string Method, string Path, string? Body)> Requests() =>
        All.SelectMany(endpoint => Fill(endpoint.Route).Select(path =>
            (endpoint.Resource, endpoint.Method, path, endpoint.Method is "PUT" or "POST" && !path.Contains("circuit-breakers", StringComparison.Ordinal) && !path.Contains("diagnostics", StringComparison.Ordinal)
                ? """{"mode":"down"}"""
                : null)));

    private static IEnumerable<string> Fill(string route)
    {
        IEnumerable<string> values = route.Contains("{name}", StringComparison.Ordinal) ? BreakerNames.Gateway
            : route.Contains("{service}", StringComparison.Ordinal) ? ["payment", .. ServiceNames.Stubs]
            : [];
        var parameter = route.Contains("{name}", StringComparison.Ordinal) ? "{name}" : "{service}";
        if (!values.Any())
        {
            return route.Contains('{', StringComparison.Ordinal)
                ? throw new InvalidOperationException($"No value to fill in the admin route {route}: add one here.")
                : [route];
        }

        return values.Select(value => route.Replace(parameter, value, StringComparison.Ordinal));
    }

    private static List<(string, string, string)> Read<TProgram>(string resource)
        where TProgram : class
    {
        using var factory = new WebApplicationFactory<TProgram>();
        _ = factory.Server; // builds the application, and so maps its endpoints
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var routes = endpoints
            .Where(e => e.Metadata.GetMetadata<RequiresAdminKeyMetadata>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (resource, method, "/" + e.RoutePattern.RawText!.Trim('/'))))
            .ToList();
        return routes.Count > 0 ? routes : throw new InvalidOperationException($"{resource} has no admin endpoint: its metadata was not read.");
    }
}
