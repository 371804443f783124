using System.Text.Json;
using CircuitDemo.Contracts;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.ServiceDefaults.FailureInjection;
using CircuitDemo.ServiceDefaults.HttpClients;
using CircuitDemo.ServiceDefaults.Security;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.FailureSimulation;

/// <summary>
/// <c>POST /simulate-failure/{service}</c>: sets that service's failure mode on every instance, or on one instance named
/// by its resource name (<c>payment-service-2</c>); admin key required. The body is checked here first, so a bad one is
/// refused without touching any service.
/// </summary>
public static class FailureSimulationApi
{
    /// <summary>Maps the simulate-failure endpoint.</summary>
    public static IEndpointRouteBuilder MapFailureSimulationApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/simulate-failure/{service}", SimulateAsync).WithTags("Failure simulation").RequireAdminKey();
        return app;
    }

    private static async Task<Results<JsonHttpResult<JsonElement>, StatusCodeHttpResult, ProblemHttpResult>> SimulateAsync(
        string service, HttpRequest request, FailureModeClient failureModes, CancellationToken cancellationToken)
    {
        if (ServiceNames.ResolveStubOrInstance(service) is not var (resolved, instance))
        {
            return UnknownService(service);
        }

        var (mode, problem) = await FailureModeBody.ReadAsync(request, cancellationToken);
        if (mode is null)
        {
            return problem!;
        }

        try
        {
            return await failureModes.SetAsync(resolved, instance, mode, cancellationToken) is { } answer ? answer.Forward() : UnknownService(service);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && CircuitBreakerPipelineExtensions.FailureOf(exception) is not CallFailure.Unexpected and var failure)
        {
            return failure is CallFailure.TimedOut
                ? Unreached(StatusCodes.Status504GatewayTimeout, $"{resolved} did not answer in time; its failure mode is unknown.")
                : Unreached(StatusCodes.Status502BadGateway, $"{resolved} could not be reached or gave an unusable answer ({exception.Message}); its failure mode is unknown.");
        }
    }

    private static ProblemHttpResult UnknownService(string service) =>
        Problems.NotFound(
            "Unknown service",
            $"There is no service or instance '{service}'. Use one of {string.Join(", ", ServiceNames.Stubs)}, user, order, payment, or one instance's name such as {ServiceNames.Instance(ServiceNames.Payment, 2)} (when the AppHost runs that many).");

    private static ProblemHttpResult Unreached(int status, string detail) =>
        TypedResults.Problem(statusCode: status, title: "Failure mode not set", detail: detail);
}
