using CircuitDemo.AppHost.BreakerRows;

namespace CircuitDemo.IntegrationTests.AppHostParts;

/// <summary>What the breakers' rows show comes from each replica's current stream, read at the moment a row is published.</summary>
public sealed class BreakerReportsTests
{
    [Fact]
    public void RowUpdate_ReportsChangeAfterItWasMade_PublishesTheLaterReports()
    {
        // A publication that read the reports before an overtaking one would publish Open after HalfOpen, and with no
        // countdown left to tick, the row would stay Open.
        var reports = new BreakerReports();
        var stream = reports.Open("gateway-1");
        reports.Apply("gateway-1", stream, Summary(CircuitState.Open, sequence: 1));
        var update = reports.RowUpdate(ServiceNames.Payment, TimeProvider.System);

        reports.Apply("gateway-1", stream, Summary(CircuitState.HalfOpen, sequence: 2));

        Assert.Equal("HalfOpen", update(new CustomResourceSnapshot { ResourceType = "CircuitBreaker", Properties = [] }).State?.Text);
    }

    [Fact]
    public void ReportFromAStreamThatWasClosed_ChangesNothing()
    {
        var reports = new BreakerReports();
        var stopped = reports.Open("gateway-1");
        reports.Close("gateway-1", stopped); // the replica stopped while its last event was being parsed

        Assert.False(reports.ReplaceAll("gateway-1", stopped, [Summary(CircuitState.Open, sequence: 1)]));
        Assert.False(reports.Apply("gateway-1", stopped, Summary(CircuitState.Open, sequence: 1)));
        Assert.Empty(reports.For(ServiceNames.Payment));
    }

    [Fact]
    public void ReportFromAReplicasEarlierStream_ChangesNothing_TheCurrentStreamsDo()
    {
        var reports = new BreakerReports();
        var earlier = reports.Open("gateway-1");
        var current = reports.Open("gateway-1"); // restarted on another address

        Assert.False(reports.Apply("gateway-1", earlier, Summary(CircuitState.Open, sequence: 1)));
        Assert.True(reports.Apply("gateway-1", current, Summary(CircuitState.Closed, sequence: 1)));
        Assert.Equal([CircuitState.Closed], reports.For(ServiceNames.Payment).Select(r => r.State));
    }

    [Fact]
    public void Transition_OlderThanWhatTheReplicaReported_IsIgnored()
    {
        var reports = new BreakerReports();
        var stream = reports.Open("gateway-1");
        reports.ReplaceAll("gateway-1", stream, [Summary(CircuitState.HalfOpen, sequence: 2)]);

        reports.Apply("gateway-1", stream, Summary(CircuitState.Open, sequence: 1));

        Assert.Equal([CircuitState.HalfOpen], reports.For(ServiceNames.Payment).Select(r => r.State));
    }

    private static BreakerSummary Summary(CircuitState state, long sequence) =>
        new(ServiceNames.Payment, state, 0, 2, null, 10, 8, 2, 0, "a reason", DateTimeOffset.UtcNow, sequence);
}
