using CircuitDemo.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.ServiceDefaults.Security;

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

        var expected = configuration[Settings.AdminKey];
        if (string.IsNullOrEmpty(expected))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found",
                detail: "Admin endpoints are switched off: no admin key is configured.").ExecuteAsync(context);
        }

        if (!AdminKey.Matches(expected, context.Request.Headers[HeaderNames.AdminKey]))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin key required",
                detail: $"This endpoint changes state: send the admin key in the {HeaderNames.AdminKey} header.").ExecuteAsync(context);
        }

        return next(context);
    }
}
