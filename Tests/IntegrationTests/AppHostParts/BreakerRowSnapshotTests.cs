using CircuitDemo.AppHost.BreakerRows;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.IntegrationTests.AppHostParts;

/// <summary>
/// A breaker's row on the Resources page, from its replicas' summaries: the most severe state any replica is in, the
/// counts added up, the replicas by state, and a health report that is Healthy only while Closed.
/// </summary>
public sealed class BreakerRowSnapshotTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static readonly CustomResourceSnapshot Empty = new() { ResourceType = "CircuitBreaker", Properties = [] };

    [Fact]
    public void NoReplicaYet_IsWaitingForTheGateway()
    {
        var row = BreakerRowSnapshot.Update(Empty, [], Now);

        Assert.Equal(BreakerRowSnapshot.WaitingState, row.State?.Text);
    }

    [Fact]
    public void TheGatewayStopped_TheRowWaits_WithNoHealthLeftOver()
    {
        var open = BreakerRowSnapshot.Update(Empty, [Summary(CircuitState.Open, total: 5, failed: 3)], Now);

        var stopped = BreakerRowSnapshot.Update(open, [], Now.AddSeconds(1));

        Assert.Equal(BreakerRowSnapshot.WaitingState, stopped.State?.Text);
        Assert.Empty(stopped.HealthReports);
    }

    [Fact]
    public void ReplicasInDifferentStates_TheRowIsTheMostSevere_WithTheCountsAddedUp()
    {
        var closed = Summary(CircuitState.Closed, total: 10, failed: 1);
        var open = Summary(CircuitState.Open, total: 5, failed: 3) with { NextAttempt = Now.AddSeconds(7.2), LastReason = "3 consecutive failures" };

        var row = BreakerRowSnapshot.Update(Empty, [closed, open], Now);

        Assert.Equal("Open", row.State?.Text);
        Assert.Equal("15: 11 ok, 4 failed, 0 rejected", Property(row, "Requests"));
        Assert.Equal("1 Open, 1 Closed", Property(row, "Replicas"));
        Assert.Equal("in 8 s", Property(row, "Next probe"));
        var report = Assert.Single(row.HealthReports);
        Assert.Equal((HealthStatus.Degraded, "Circuit breaker payment-service is Open (3 consecutive failures)."), (report.Status, report.Description));
    }

    [Fact]
    public void EveryReplicaClosed_IsHealthy_WithNoProbeDue()
    {
        var row = BreakerRowSnapshot.Update(Empty, [Summary(CircuitState.Closed, total: 3, failed: 0)], Now);

        Assert.Equal(("Closed", "-"), (row.State?.Text, Property(row, "Next probe")));
        Assert.Equal(HealthStatus.Healthy, Assert.Single(row.HealthReports).Status);
    }

    [Fact]
    public void TheHedges_AreAddedUpOverTheReplicas_AndOffForABreakerWithout()
    {
        var one = Summary(CircuitState.Closed, total: 10, failed: 0) with { Hedges = new HedgingStatus(20, false, Sent: 4, Won: 3, Refused: 1) };
        var two = Summary(CircuitState.Closed, total: 10, failed: 0) with { Hedges = new HedgingStatus(22.5, true, Sent: 6, Won: 6, Refused: 2) };

        var row = BreakerRowSnapshot.Update(Empty, [one, two], Now);
        var write = BreakerRowSnapshot.Update(Empty, [Summary(CircuitState.Closed, total: 3, failed: 0)], Now);
        var disarmed = BreakerRowSnapshot.Update(Empty, [one], Now);

        // Armed when any replica is (each sees its own traffic).
        Assert.Equal("10 sent, 9 won, 3 refused (after 20 ms)", Property(row, "Hedges"));
        Assert.Equal("4 sent, 3 won, 1 refused (after 20 ms; disarmed, no tail)", Property(disarmed, "Hedges"));
        Assert.Equal("off", Property(write, "Hedges"));
    }

    private static BreakerSummary Summary(CircuitState state, long total, long failed) =>
        new(ServiceNames.Payment, state, 0, 2, null, total, total - failed, failed, 0, null, null, 1);

    private static string? Property(CustomResourceSnapshot row, string name) =>
        row.Properties.Single(p => p.DisplayName == name).Value?.ToString();
}
