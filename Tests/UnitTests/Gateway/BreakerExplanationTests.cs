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

        var text = BreakerExplanation.ToMarkdown(StatusOf(breaker), clock.GetUtcNow());

        var times = Regex.Matches(text, @"\b\d\d:\d\d:\d\d(\.\d+)?\b(?<after>.{0,4})");
        Assert.NotEmpty(times);
        Assert.All(times, time => Assert.StartsWith(" UTC", time.Groups["after"].Value, StringComparison.Ordinal));
    }

    [Fact]
    public void RejectionsSinceTheLastCall_AreOneLine_AboveTheCallsThatOpenedIt()
    {
        var (breaker, clock) = TestBreakers.Create();
        breaker.DriveTo(clock, CircuitState.Open);
        var status = StatusOf(breaker) with
        {
            RecentCalls = [new CallRecord(clock.GetUtcNow(), "payment-service", "failure", false, 12)],
            RejectedSince = new RejectedCalls(37, clock.GetUtcNow()),
        };

        var text = BreakerExplanation.ToMarkdown(status, clock.GetUtcNow());

        Assert.Contains("Since the last of these, 37 calls were rejected without being sent (the last at 10:00:00 UTC).", text);
        Assert.Contains("| payment-service | failure | 12 ms |", text);
    }

    [Fact]
    public void TheHedges_AreALineOfTheOverloadSection_TheirDelaySaidAndWhereItComesFrom()
    {
        var (breaker, clock) = TestBreakers.Create();
        var status = StatusOf(breaker) with { Hedges = new HedgingStatus(48.5, Armed: true, Sent: 12, Won: 11, Refused: 3) };

        var text = BreakerExplanation.ToMarkdown(status, clock.GetUtcNow());

        Assert.Contains(
            "Hedged reads (armed): a read unanswered after 48.5 ms (auto: the recent p95 of its answers, at least 0.02 s, at most half the "
                + "attempt timeout) sends one hedge to another instance, paid from the retry budget; 12 sent, 11 won, 1 lost, 3 refused so far.",
            text);
        Assert.Contains("Hedged reads: none", BreakerExplanation.ToMarkdown(StatusOf(breaker), clock.GetUtcNow()));
        var disarmed = status with { Hedges = new HedgingStatus(20, Armed: false, Sent: 0, Won: 0, Refused: 0) };
        Assert.Contains(
            "Hedged reads (disarmed: under 1 % of the recent reads late, they skip the hedging): a read unanswered after 20 ms",
            BreakerExplanation.ToMarkdown(disarmed, clock.GetUtcNow()));
    }

    private static ServiceBreakerStatus StatusOf(CircuitBreaker breaker) =>
        new(breaker.GetStatus()) { Ejection = new(), Limits = new(), RetryBudget = new(), Retries = new(0, 0), Hedging = new() };
}
