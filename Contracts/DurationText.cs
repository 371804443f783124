using System.Globalization;

namespace CircuitDemo.Contracts;

/// <summary>How a duration reads in a breaker's reasons, its row and its health: <c>1.25 s</c>, whatever the culture.</summary>
public static class DurationText
{
    public static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");
}
