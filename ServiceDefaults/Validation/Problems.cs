using CircuitDemo.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.ServiceDefaults.Validation;

/// <summary>The ProblemDetails answers the gateway and the services share.</summary>
public static class Problems
{
    /// <summary>400: the user id breaks <see cref="UserIds.Rule"/>.</summary>
    public static ProblemHttpResult InvalidUserId() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: UserIds.InvalidTitle, detail: UserIds.Rule);

    /// <summary>400 with a title and a detail.</summary>
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    /// <summary>404 with a title and a detail.</summary>
    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
