using System.Text.Json;
using CircuitDemo.Contracts;
using CircuitDemo.FailureModes;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using CircuitDemo.ServiceDefaults.Security;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.FailureSimulation;

/// <summary>
/// <c>POST /simulate-failure/{service}</c>: sets the failure mode of every instance of a service, or of one instance by
/// its name (<c>payment-service-2</c> under the AppHost, the pod <c>payment-service-0</c> on a cluster); admin key
/// required. The body is checked first, so a bad one is refused without touching any service. When an instance cannot
/// be reached, the answer says which instances took the mode and which did not.
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
        var targets = await failureModes.InstancesNamedAsync(service, cancellationToken);
        if (targets.Count == 0)
        {
            return Problems.NotFound(
                "Unknown service",
                $"There is no service or instance '{service}'. Use one of {string.Join(", ", ServiceNames.Stubs)}, user, order, payment, "
                + $"or one instance's name such as {ServiceNames.Instance(ServiceNames.Payment, 2)} (when the AppHost runs that many) "
                + $"or a pod's such as {ServiceNames.Payment}-0.");
        }

        var (mode, problem) = await FailureModeBody.ReadAsync(request, cancellationToken);
        if (mode is null)
        {
            return problem!;
        }

        var answers = await Task.WhenAll(targets.Select(target => failureModes.SetAsync(target, mode, cancellationToken)));
        if (answers.All(a => a.Changed) || (answers is [{ Answer: { } only }] && only.StatusCode < 500))
        {
            // Every instance took the mode (or the one asked refused it, and says why): its answer as it was given.
            return answers[0].Answer!.Forward();
        }

        var unchanged = answers.Where(a => !a.Changed).ToList();
        var detail = answers.Length == 1
            ? $"{answers[0].Instance}: {answers[0].Why}; its failure mode is unknown."
            : $"Set on {Names(answers.Where(a => a.Changed))}; not on "
                + $"{string.Join("; ", unchanged.Select(a => $"{a.Instance} ({a.Why}; its failure mode is unknown)"))}.";
        return TypedResults.Problem(
            statusCode: unchanged.All(a => a.Failure is CallFailure.TimedOut) ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            title: answers.Length == 1 ? "Failure mode not set" : "Failure mode not set on every instance",
            detail: detail,
            extensions: new Dictionary<string, object?>
            {
                ["changed"] = answers.Where(a => a.Changed).Select(a => a.Instance).ToArray(),
                ["unchanged"] = unchanged.Select(a => a.Instance).ToArray(),
            });
    }

    private static string Names(IEnumerable<InstanceAnswer> answers) => answers.Any() ? string.Join(", ", answers.Select(a => a.Instance)) : "none";
}
