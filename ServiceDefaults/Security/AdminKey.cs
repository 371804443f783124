using System.Security.Cryptography;
using System.Text;

namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>The admin key that guards every state-changing endpoint (configuration <c>Admin:Key</c>, header <c>X-Admin-Key</c>).</summary>
public static class AdminKey
{
    /// <summary>The request header that carries the key.</summary>
    public const string HeaderName = "X-Admin-Key";

    /// <summary>The configuration key that holds it (environment variable <c>Admin__Key</c>).</summary>
    public const string ConfigurationKey = "Admin:Key";

    /// <summary>
    /// Compares in constant time. Both sides are hashed first, so neither the content nor the length of the
    /// expected key leaks through timing.
    /// </summary>
    public static bool Matches(string expected, string? provided)
    {
        if (string.IsNullOrEmpty(provided))
        {
            return false;
        }

        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> providedHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), expectedHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(provided), providedHash);
        return CryptographicOperations.FixedTimeEquals(expectedHash, providedHash);
    }
}
