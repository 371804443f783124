namespace CircuitDemo.ServiceDefaults.Validation;

/// <summary>The one rule for user ids, shared by the gateway and the services: 1 to 64 ASCII letters, digits, '-' and '_'.</summary>
public static class UserId
{
    private static readonly System.Buffers.SearchValues<char> AllowedCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>The longest valid id.</summary>
    public const int MaxLength = 64;

    /// <summary>Why an id is rejected, for the ProblemDetails body.</summary>
    public const string Rule = "A user id is 1 to 64 characters of ASCII letters, digits, '-' and '_'.";

    /// <summary>True when <paramref name="userId"/> follows the rule.</summary>
    public static bool IsValid(string? userId) =>
        userId is { Length: > 0 and <= MaxLength } && userId.AsSpan().IndexOfAnyExcept(AllowedCharacters) < 0;
}
