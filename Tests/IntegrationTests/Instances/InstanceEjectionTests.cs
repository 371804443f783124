namespace CircuitDemo.IntegrationTests.Instances;

/// <summary>
/// One bad instance of three, through the real AppHost with <c>Stubs:payment-service:Instances</c> = 3: the gateway
/// ejects that instance (failing, or merely slow), the dashboard stays live from the other two, and the service's
/// breaker stays Closed; every instance bad (or slow) opens it; an ejected instance is back after a reset. Faults on
/// payment-service-2, the second of payment-service's endpoints.
/// </summary>
[Collection(ThreeInstanceSystem.Name)]
public sealed class InstanceEjectionTests(ThreeInstanceApp system) : IAsyncLifetime
{
    private static readonly string BadInstance = ServiceNames.Instance(ServiceNames.Payment, 2);

    /// <summary>The faults of the fault matrix that a process can answer with, each on one instance.</summary>
    public static TheoryData<string> Faults() => ["error", "hang", "down", "cut", "garbage", "busy"];

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task FaultOnOneInstance_IsEjected_TheOthersServeEverySection_AndTheServiceBreakerStaysClosed(string fault)
    {
        var before = (await system.BreakerAsync(ServiceNames.Payment)).ChangesSoFar;
        await system.SetFailureModeAsync(BadInstance, Mode(fault));

        // Until it is ejected, a call that fails fast on the bad instance is retried on another: its section is live. A
        // timed-out attempt is not retried (a read's retry is for failures that took no time), so a hang may cost a
        // section or two their timeout fallback before the instance is out.
        var badAddress = await EndpointAddressAsync(BadInstance);
        string[] allowed = fault == "hang" ? [FallbackReasons.Live, FallbackReasons.Timeout] : [FallbackReasons.Live];
        await WaitUntilEjectedAsync(badAddress, allowed);

        var servedBefore = await system.BusinessRequestsAsync(BadInstance);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(FallbackReasons.Live, (await system.DashboardAsync($"user-{i}")).Sources.Payments);
        }

        var breaker = await system.BreakerAsync(ServiceNames.Payment);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Empty(breaker.ChangesAfter(before));
        Assert.Equal(servedBefore, await system.BusinessRequestsAsync(BadInstance));
        Assert.All(breaker.Endpoints.Where(e => e.Address != badAddress), e => Assert.Equal(EndpointState.Active, e.State));
    }

    [Fact]
    public async Task EveryInstanceFailing_OpensTheServiceBreaker()
    {
        var before = (await system.BreakerAsync(ServiceNames.Payment)).ChangesSoFar;
        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await system.SetFailureModeAsync(instance, Mode("error"));
        }

        // Each failure is its instance's while another has not failed yet; once all three have, each is the service's.
        var opened = await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("42");
                return await system.BreakerAsync(ServiceNames.Payment);
            },
            breaker => breaker.ChangesAfter(before).Any(c => c.To == CircuitState.Open),
            "payment-service's breaker to open with every instance failing",
            TestTimeouts.Step);

        // The opening itself (by the time it is read, a probe may already have failed and opened it again).
        var opening = opened.ChangesAfter(before).First(c => c.To == CircuitState.Open);
        Assert.Equal(CircuitState.Closed, opening.From);
        Assert.Contains("consecutive", opening.Reason, StringComparison.Ordinal);
        Assert.InRange(opened.Endpoints.Count(e => e.State == EndpointState.Ejected), 0, 1);
    }

    [Fact]
    public async Task OneInstanceSlow_IsEjectedForItsSlowCalls_EverySectionLive_AndTheServiceBreakerStaysClosed()
    {
        // Slow but in time: over the slow-call duration, well under the attempt timeout, so every answer is live.
        var before = await system.BreakerAsync(ServiceNames.Payment);
        await system.SetFailureModeAsync(BadInstance, SlowInTime(before.Options));

        // Its slow calls raise its estimate (it gets few calls) and, three in a row, eject it; none reaches the
        // service's slow-call window while the other two answer in time.
        var badAddress = await EndpointAddressAsync(BadInstance);
        await WaitUntilEjectedAsync(badAddress, [FallbackReasons.Live]);

        var breaker = await system.BreakerAsync(ServiceNames.Payment);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Empty(breaker.ChangesAfter(before.ChangesSoFar));
        Assert.Contains("consecutive calls slower than", breaker.Endpoints.Single(e => e.Address == badAddress).EjectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryInstanceSlow_OpensTheServiceBreaker_ByItsSlowCallRule()
    {
        var before = await system.BreakerAsync(ServiceNames.Payment);
        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await system.SetFailureModeAsync(instance, SlowInTime(before.Options));
        }

        // Once no further instance may be ejected, every slow call is the service's: a window's worth at once fills it.
        var open = await Eventually.UntilAsync(
            async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, before.Options.SlowCallWindow).Select(i => system.DashboardAsync($"slow-{i}")));
                return await system.BreakerAsync(ServiceNames.Payment);
            },
            breaker => breaker.ChangesAfter(before.ChangesSoFar).Any(c => c.To == CircuitState.Open),
            "payment-service's breaker to open with every instance slow",
            TestTimeouts.Step);

        var opening = open.ChangesAfter(before.ChangesSoFar).First(c => c.To == CircuitState.Open);
        Assert.Contains("calls slower than", opening.Reason, StringComparison.Ordinal);
        Assert.InRange(open.Endpoints.Count(e => e.State == EndpointState.Ejected), 0, 1);
    }

    [Fact]
    public async Task EjectedInstance_IsBackAfterAReset_AndGetsCallsAgain()
    {
        await system.SetFailureModeAsync(BadInstance, Mode("error"));
        var badAddress = await EndpointAddressAsync(BadInstance);
        await WaitUntilEjectedAsync(badAddress);
        await system.SetFailureModeAsync(BadInstance, FailureMode.None);
        var served = await system.BusinessRequestsAsync(BadInstance);

        using (var reset = CircuitDemoApp.Admin(HttpMethod.Post, Paths.BreakerCommand(ServiceNames.Payment, "reset")))
        {
            (await system.Gateway.SendAsync(reset)).EnsureSuccessStatusCode();
        }

        Assert.Equal(EndpointState.Active, (await system.BreakerAsync(ServiceNames.Payment)).Endpoints.Single(e => e.Address == badAddress).State);
        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("42");
                return await system.BusinessRequestsAsync(BadInstance);
            },
            count => count > served,
            $"{BadInstance} to get calls again",
            TestTimeouts.Step);
    }

    [Fact]
    public async Task SimulateFailure_OnOneInstanceSetsThatInstanceOnly_OnTheServiceSetsEveryInstance()
    {
        using (var one = CircuitDemoApp.Admin(HttpMethod.Post, $"/simulate-failure/{BadInstance}", new FailureMode(FailureKind.Error, StatusCode: 503)))
        {
            (await system.Gateway.SendAsync(one)).EnsureSuccessStatusCode();
        }

        Assert.Equal(
            [FailureKind.None, FailureKind.Error, FailureKind.None],
            await Task.WhenAll(system.InstancesOf(ServiceNames.Payment).Select(async i => (await ModeOfAsync(i)).Mode)));

        using (var all = CircuitDemoApp.Admin(HttpMethod.Post, "/simulate-failure/payment", new FailureMode(FailureKind.Slow, DelayMs: 10)))
        {
            (await system.Gateway.SendAsync(all)).EnsureSuccessStatusCode();
        }

        Assert.All(
            await Task.WhenAll(system.InstancesOf(ServiceNames.Payment).Select(ModeOfAsync)),
            mode => Assert.Equal(new FailureMode(FailureKind.Slow, DelayMs: 10), mode));

        using var missing = CircuitDemoApp.Admin(HttpMethod.Post, $"/simulate-failure/{ServiceNames.Instance(ServiceNames.Payment, 4)}", FailureMode.None);
        var answer = await system.Gateway.SendAsync(missing);
        await ProblemAssert.IsAsync(answer, 404);
    }

    [Fact]
    public async Task EjectedInstance_ItsRowSaysSo_AndTheBreakerRowCountsItsEndpoints()
    {
        await system.SetFailureModeAsync(BadInstance, Mode("error"));
        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("42");
                return system.PropertyOf(BadInstance, "Ejected by the gateway");
            },
            text => text?.StartsWith($"by {ServiceNames.Payment} until ", StringComparison.Ordinal) == true,
            $"{BadInstance}'s row to say it is ejected",
            TestTimeouts.Step);

        Assert.Equal("no", system.PropertyOf(ServiceNames.Payment, "Ejected by the gateway"));
        Assert.Equal("2 in, 1 ejected", system.PropertyOf(BreakerNames.RowName(ServiceNames.Payment), "Endpoints"));
    }

    // Dashboards, each payments section checked, until the instance is ejected. Its failures are charged to its latency
    // estimate, so it gets a call only as the estimate decays: a failed read is retried on another instance (its section
    // stays live), a timed-out one is not (a hang may cost a section or two their timeout fallback).
    private Task WaitUntilEjectedAsync(string address, string[]? allowed = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                var view = await system.DashboardAsync("42");
                Assert.Contains(view.Sources.Payments, allowed ?? [FallbackReasons.Live, FallbackReasons.Timeout]);
                return await system.BreakerAsync(ServiceNames.Payment);
            },
            breaker => breaker.Endpoints.Single(e => e.Address == address).State == EndpointState.Ejected,
            $"{address} to be ejected",
            TestTimeouts.Step);

    // Slow by construction (the service waits past the slow-call duration before it answers), and a tenth of the way
    // from there to the attempt timeout, so that a loaded machine has the rest to deliver the answer in time.
    private static FailureMode SlowInTime(CircuitBreakerOptions options) =>
        new(FailureKind.Slow, DelayMs: (int)(options.SlowCallDuration!.Value + ((options.AttemptTimeout - options.SlowCallDuration.Value) / 10)).TotalMilliseconds);

    private static FailureMode Mode(string fault) => fault switch
    {
        "error" => new(FailureKind.Error, StatusCode: 500),
        "hang" => new(FailureKind.Hang),
        "down" => new(FailureKind.Down),
        "cut" => new(FailureKind.Cut),
        "garbage" => new(FailureKind.Garbage),
        "busy" => new(FailureKind.Busy, StatusCode: 503, RetryAfterSeconds: 120),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    // The address the gateway knows the instance by: the one the AppHost gave it, the instance's own endpoint.
    private async Task<string> EndpointAddressAsync(string instance)
    {
        var url = system.App.GetEndpoint(instance, "http").GetLeftPart(UriPartial.Authority);
        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("42");
                return (await system.BreakerAsync(ServiceNames.Payment)).Endpoints;
            },
            endpoints => endpoints.Any(e => e.Address == url),
            $"the gateway to know {instance} at {url}",
            TestTimeouts.Step);
        return url;
    }

    private async Task<FailureMode> ModeOfAsync(string instance)
    {
        using var client = system.CreateClient(instance);
        return (await client.GetFromJsonAsync<FailureMode>(Paths.FailureMode))!;
    }
}
