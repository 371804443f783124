using CircuitDemo.Gateway.Downstream;
using CircuitDemo.ServiceDefaults.FailureInjection;
using CircuitDemo.ServiceDefaults.Security;

namespace CircuitDemo.Gateway.Endpoints;

/// <summary>
/// <c>POST /simulate-failure/{service}</c>: sets that service's failure mode (admin key required). The body is
/// checked here first, so a bad one is refused without touching the service.
/// </summary>
public static class SimulateFailureEndpoints
{
    /// <summary>Maps the simulate-failure endpoint.</summary>
    public static IEndpointRouteBuilder MapSimulateFailureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/simulate-failure/{service}", SimulateAsync).WithTags("Failure simulation").RequireAdminKey();
        return app;
    }

    private static async Task<IResult> SimulateAsync(string service, HttpRequest request, FailureModeClient failureModes, CancellationToken cancellationToken)
    {
        if (ServiceNames.Resolve(service) is not { } resolved)
        {
            return Problems.NotFound("Unknown service", $"There is no service '{service}'. Use one of {string.Join(", ", ServiceNames.All)} or user, order, payment.");
        }

        var (mode, problem) = await FailureModeBody.ReadAsync(request, cancellationToken);
        if (mode is null)
        {
            return problem!;
        }

        var (status, answer, contentType) = await failureModes.SetAsync(resolved, mode, cancellationToken);
        return Results.Json(answer, contentType: contentType, statusCode: status);
    }
}
