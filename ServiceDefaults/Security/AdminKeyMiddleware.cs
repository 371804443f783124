using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>Endpoint metadata: this endpoint changes state and needs the admin key.</summary>
public sealed class RequiresAdminKeyMetadata;

/// <summary>
/// Guards the endpoints marked with <see cref="AdminKeyExtensions.RequireAdminKey{TBuilder}"/> before their body
/// is even read: 404 when no key is configured (the endpoints are switched off), 401 without the right key.
/// Either way the request ends here and nothing changes. The key is never logged or echoed.
/// </summary>
internal sealed class AdminKeyMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresAdminKeyMetadata>() is null)
        {
            return next(context);
        }

        var expected = configuration[AdminKey.ConfigurationKey];
        if (string.IsNullOrEmpty(expected))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found",
                detail: "Admin endpoints are switched off: no admin key is configured.").ExecuteAsync(context);
        }

        if (!AdminKey.Matches(expected, context.Request.Headers[AdminKey.HeaderName]))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin key required",
                detail: $"This endpoint changes state: send the admin key in the {AdminKey.HeaderName} header.").ExecuteAsync(context);
        }

        return next(context);
    }
}

/// <summary>Marks endpoints as needing the admin key and installs the check.</summary>
public static class AdminKeyExtensions
{
    /// <summary>The endpoint (or group) answers 401 without the admin key and 404 when none is configured.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAdminKeyMetadata());

    /// <summary>Checks the admin key of marked endpoints; call after routing, before the endpoints run.</summary>
    public static IApplicationBuilder UseAdminKey(this IApplicationBuilder app) => app.UseMiddleware<AdminKeyMiddleware>();
}
