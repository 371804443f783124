using Microsoft.AspNetCore.Builder;

namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>Marks endpoints as needing the admin key and installs the check.</summary>
public static class AdminKeyExtensions
{
    /// <summary>The endpoint (or group) answers 401 without the admin key and 404 when none is configured.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAdminKeyMetadata());

    /// <summary>Checks the admin key of marked endpoints; call after routing, before the endpoints run.</summary>
    public static IApplicationBuilder UseAdminKey(this IApplicationBuilder app) => app.UseMiddleware<AdminKeyMiddleware>();
}
