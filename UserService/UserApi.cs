using CircuitDemo.Contracts;
using CircuitDemo.FailureModes;
using CircuitDemo.ServiceDefaults.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.UserService;

/// <summary><c>GET /users/{userId}</c>, subject to the failure mode.</summary>
public static class UserApi
{
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Niklaus"];
    private static readonly string[] LastNames =
        ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen", "Wirth"];

    /// <summary>Maps the user endpoints.</summary>
    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Paths.Users).WithTags("Users").WithFailureInjection().MapGet("/{userId}", GetUser);
        return app;
    }

    private static Results<Ok<User>, ProblemHttpResult> GetUser(string userId)
    {
        if (!UserIds.IsValid(userId))
        {
            return Problems.InvalidUserId();
        }

        var random = new Random(StableSeed.For(userId));
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        return TypedResults.Ok(new User(userId, $"{first} {last}", $"{first}.{last}.{userId}@example.com".ToLowerInvariant()));
    }
}
