using System.Security.Cryptography;
using System.Text;
using CircuitDemo.Contracts;

namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>
/// The admin key that guards every control-plane endpoint (<see cref="Settings.AdminKey"/>, sent in <see
/// cref="HeaderNames.AdminKey"/>).
/// </summary>
internal static class AdminKey
{
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
