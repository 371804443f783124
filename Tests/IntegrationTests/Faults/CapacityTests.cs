using System.Diagnostics;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>
/// A full dependency through the real system (docs/pattern.md, "Overload: the retry budget and the concurrency limit"):
/// payment-service in the capacity mode, sent half what it serves, then twice, open loop. The adaptive limit keeps it out
/// of its queue timeouts: its breaker never opens, it serves what it can, and the rest fall back as <c>overloaded</c> at
/// once.
/// </summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class CapacityTests(FaultMatrixApp system) : IAsyncLifetime
{
    // Two requests at a time, 40 ms each: 50 a second. Twenty calls in flight (a new limit) wait at most 400 ms, under
    // the slow-call duration and far under the queue timeout and the attempt timeout (FaultMatrixApp): the limit has
    // time to learn before anything is slow or fails, even with a busy machine's stall on top.
    private static readonly FailureMode Full = new(
        FailureKind.Capacity, Concurrency: 2, ServiceTimeMs: 40, QueueTimeoutMs: (int)FaultMatrixApp.PaymentTimeout.TotalMilliseconds);
    private const int Capacity = 50;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    // Half the capacity first, as load-overload.sh begins: run alone, this test met a system just started, whose
    // payment calls at two hundred dashboards a second timed out with no overload at all (its code not yet warm).
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task TwiceItsCapacity_ItsBreakerStaysClosed_ItServesWhatItCan_AndTheRestIsOverloadedAtOnce()
    {
        await system.SetFailureModeAsync(ServiceNames.Payment, Full);
        await OpenLoopAsync(Capacity / 2, WarmUp);
        var before = await system.BreakerAsync(ServiceNames.Payment);

        var answers = await OpenLoopAsync(2 * Capacity, Duration);

        var after = await system.BreakerAsync(ServiceNames.Payment);
        var payments = answers.Select(a => a.Sources.Payments).ToList();
        var live = payments.Count(s => s == FallbackReasons.Live);
        var overloaded = payments.Count(s => s == FallbackReasons.Overloaded);
        var summary = $"{live} live, {overloaded} overloaded of {payments.Count}: "
            + string.Join(", ", payments.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}"));

        if (after.ChangesAfter(before.ChangesSoFar).Any(change => change.To == CircuitState.Open))
        {
            Assert.Fail("The breaker opened. " + await system.Gateway.GetStringAsync($"/circuit-breakers/{ServiceNames.Payment}/explain"));
        }

        // What it can: at least half its capacity, and no more than it serves in the time (plus the calls queued at first).
        Assert.True(live >= Capacity * Duration.TotalSeconds / 2, summary);
        Assert.True(live <= Capacity * (Duration.TotalSeconds + 1), summary);
        Assert.True(overloaded > 0, summary);
        Assert.True(live + overloaded >= payments.Count * 0.95, summary);
        Assert.True(after.Concurrency!.Limit < before.Concurrency!.Limit, $"the limit went from {before.Concurrency} to {after.Concurrency}");
    }

    // Requests at a fixed rate whatever the answers, as a crowd of users sends them.
    private async Task<DashboardView[]> OpenLoopAsync(int rate, TimeSpan duration)
    {
        var sent = new List<Task<DashboardView>>();
        var total = (int)(rate * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (sent.Count < total && await pace.WaitForNextTickAsync())
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate));
            while (sent.Count < due)
            {
                sent.Add(system.DashboardAsync($"capacity-{sent.Count % 64}"));
            }
        }

        return await Task.WhenAll(sent);
    }
}
