using System.Text.RegularExpressions;
using CircuitDemo.Gateway.CircuitBreakers;

namespace CircuitDemo.UnitTests.Gateway;

/// <summary>The Explain text: every time in it says it is UTC (the dashboard's rows show the reader's local time).</summary>
public sealed class BreakerExplanationTests
{
    [Theory]
    [InlineData(CircuitState.Open)]
    [InlineData(CircuitState.HalfOpen)]
    [InlineData(CircuitState.Isolated)]
    public void EveryTime_IsMarkedUtc(CircuitState state)
    {
        var (breaker, clock) = TestBreakers.Create();
        breaker.DriveTo(clock, state);

        var text = BreakerExplanation.ToMarkdown(breaker.GetStatus(), clock.GetUtcNow());

        var times = Regex.Matches(text, @"\b\d\d:\d\d:\d\d(\.\d+)?\b(?<after>.{0,4})");
        Assert.NotEmpty(times);
        Assert.All(times, time => Assert.StartsWith(" UTC", time.Groups["after"].Value, StringComparison.Ordinal));
    }
}
