namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>
/// A brownout through the real system: a service that still answers, each answer late but within its attempt
/// timeout. No call fails, and the slow-call rule opens the breaker: the section falls back at once instead of
/// holding every dashboard answer for the service's delay. After recovery the breaker closes as after any fault.
/// </summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class BrownoutTests(FaultMatrixApp system) : IAsyncLifetime
{
    public static TheoryData<string> Services => [.. ServiceNames.Stubs];

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Services))]
    public async Task SlowButInTime_OpensBySlowCalls_NotFailures_FallsBack_ThenCloses(string service)
    {
        // The options as the running gateway has them: the window, and the duration a call must exceed to be slow.
        var before = await system.BreakerAsync(service);
        var slowCall = before.Options.SlowCallDuration ?? throw new InvalidOperationException($"{service} has no slow-call rule.");
        var window = before.Options.SlowCallWindow;

        // Just over the slow-call duration, so that every answer is slow by construction (the service waits that long
        // before it answers), and as far under the attempt timeout as that allows: nine tenths of the gap are left
        // for a loaded machine to deliver twenty answers at once before any could time out.
        var delay = slowCall + ((before.Options.AttemptTimeout - slowCall) / 10);
        await system.SetFailureModeAsync(service, new FailureMode(FailureKind.Slow, DelayMs: (int)delay.TotalMilliseconds));

        // A window's worth of calls at once fills it with slow ones; more follow until the breaker has opened.
        var open = await Eventually.UntilAsync(
            async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, window).Select(_ => system.DashboardAsync("brownout-1")));
                return await system.BreakerAsync(service);
            },
            b => b.ChangesAfter(before.ChangesSoFar).Any(c => c.To == CircuitState.Open),
            $"{service}'s breaker to open on slow calls");

        var opening = open.ChangesAfter(before.ChangesSoFar).First(c => c.To == CircuitState.Open);
        Assert.Equal(CircuitState.Closed, opening.From);
        Assert.Contains($"of {window} calls slower than {slowCall.TotalSeconds:0.###} s", opening.Reason, StringComparison.Ordinal);
        Assert.Equal(0, open.FailureCount); // not one failure: the rule saw what the failure rules cannot

        // While Open the section falls back at once; the others stay live.
        var (_, during) = await system.WhileOpenAsync(service, () => system.DashboardAsync("brownout-1"));
        Assert.Equal(FallbackReasons.CircuitOpen, during.Sources.Of(service));

        await system.SetFailureModeAsync(service, FailureMode.None);
        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("brownout-1");
                return await system.BreakerAsync(service);
            },
            b => b.State == CircuitState.Closed,
            $"{service}'s breaker to close after the brownout",
            TimeSpan.FromSeconds(60));
        Assert.Equal(FallbackReasons.Live, (await system.DashboardAsync("brownout-1")).Sources.Of(service));
    }
}
