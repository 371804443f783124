using System.Diagnostics;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>
/// A full dependency through the real system (docs/pattern.md, "Overload: the retry budget and the concurrency limit"):
/// payment-service in the capacity mode, sent twice what it serves, open loop. The adaptive limit keeps it out of its
/// queue timeouts: its breaker never opens, it serves what it can, and the rest fall back as <c>overloaded</c> at once.
/// </summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class CapacityTests(FaultMatrixApp system) : IAsyncLifetime
{
    // Two requests at a time, 20 ms each: 100 a second. Twenty calls in flight (a new limit) wait at most 200 ms, under
    // the queue timeout and the slow-call duration: the limit has time to learn before anything fails.
    private static readonly FailureMode Full = new(FailureKind.Capacity, Concurrency: 2, ServiceTimeMs: 20, QueueTimeoutMs: 1000);
    private const int Capacity = 100;
    private const int Rate = 2 * Capacity;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task TwiceItsCapacity_ItsBreakerStaysClosed_ItServesWhatItCan_AndTheRestIsOverloadedAtOnce()
    {
        var before = await system.BreakerAsync(ServiceNames.Payment);
        await system.SetFailureModeAsync(ServiceNames.Payment, Full);

        var answers = await OpenLoopAsync();

        var after = await system.BreakerAsync(ServiceNames.Payment);
        var payments = answers.Select(a => a.Sources.Payments).ToList();
        var live = payments.Count(s => s == FallbackReasons.Live);
        var overloaded = payments.Count(s => s == FallbackReasons.Overloaded);
        var summary = $"{live} live, {overloaded} overloaded of {payments.Count}: "
            + string.Join(", ", payments.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}"));

        Assert.DoesNotContain(after.ChangesAfter(before.ChangesSoFar), change => change.To == CircuitState.Open);
        Assert.True(live >= Capacity * Duration.TotalSeconds / 2, summary);
        Assert.True(overloaded > 0, summary);
        Assert.True(live + overloaded >= payments.Count * 0.95, summary);
        Assert.True(after.Concurrency!.Limit < before.Concurrency!.Limit, $"the limit went from {before.Concurrency} to {after.Concurrency}");
    }

    // Requests at a fixed rate whatever the answers, as a crowd of users sends them.
    private async Task<DashboardView[]> OpenLoopAsync()
    {
        var sent = new List<Task<DashboardView>>();
        var total = (int)(Rate * Duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (sent.Count < total && await pace.WaitForNextTickAsync())
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * Rate));
            while (sent.Count < due)
            {
                sent.Add(system.DashboardAsync($"capacity-{sent.Count % 64}"));
            }
        }

        return await Task.WhenAll(sent);
    }
}
