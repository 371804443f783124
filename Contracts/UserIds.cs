using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace CircuitDemo.Contracts;

/// <summary>The one rule for user ids, shared by the gateway and the services: 1 to 64 ASCII letters, digits, '-' and '_'.</summary>
public static class UserIds
{
    /// <summary>The longest valid id.</summary>
    public const int MaxLength = 64;

    /// <summary>The title of the 400 answer to an invalid id.</summary>
    public const string InvalidTitle = "Invalid user id";

    /// <summary>Why an id is refused, for the detail of that answer.</summary>
    public const string Rule = "A user id is 1 to 64 characters of ASCII letters, digits, '-' and '_'.";

    private static readonly SearchValues<char> AllowedCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>True when <paramref name="userId"/> follows the rule.</summary>
    public static bool IsValid([NotNullWhen(true)] string? userId) =>
        userId is { Length: > 0 and <= MaxLength } && userId.AsSpan().IndexOfAnyExcept(AllowedCharacters) < 0;
}
