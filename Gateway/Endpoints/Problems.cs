using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.Endpoints;

/// <summary>The gateway's ProblemDetails answers.</summary>
internal static class Problems
{
    public static ProblemHttpResult InvalidUserId() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid user id", detail: UserId.Rule);

    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
