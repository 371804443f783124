namespace CircuitDemo.Contracts;

/// <summary>
/// A seed derived from a string that is the same in every process and on every run (unlike
/// <see cref="string.GetHashCode()"/>, which is randomised per process), so stub data is deterministic per user id.
/// </summary>
public static class StableSeed
{
    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="value"/>.</summary>
    public static int For(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
