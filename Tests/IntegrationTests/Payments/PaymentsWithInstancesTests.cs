namespace CircuitDemo.IntegrationTests.Payments;

/// <summary>
/// Payments with three instances of payment-service sharing one ledger: any instance takes any payment, the same
/// idempotency key pays once whichever instance each attempt reaches, a payment that lost its answer on one instance is
/// tried again on another with the same key (the caller gets 201), every instance lists every payment, and nothing is
/// lost when every instance restarts.
/// </summary>
[Collection(ThreeInstanceSystem.Name)]
public sealed class PaymentsWithInstancesTests(ThreeInstanceApp system) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task FiveKeys_EachPostedSixTimes_MakeFivePayments_ListedByEveryInstance()
    {
        var users = Enumerable.Range(0, 5).Select(i => $"six-{Guid.NewGuid():N}"[..16] + i).ToList();
        var history = await PaymentLedgers.StoredAsync(system, users);

        foreach (var user in users)
        {
            var key = Guid.NewGuid().ToString();
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 6; i++)
            {
                answers.Add((await PayAsync(user, key)).StatusCode);
            }

            Assert.Equal([HttpStatusCode.Created, .. Enumerable.Repeat(HttpStatusCode.OK, 5)], answers);
        }

        Assert.Equal(5, (await PaymentLedgers.StoredAsync(system, users)).Except(history).Count());
    }

    [Theory]
    [InlineData("hang")]
    [InlineData("error")]
    [InlineData("down")]
    public async Task OneInstanceOfThreeHungErroringOrDown_EveryFreshKeyPaymentIsTaken(string fault)
    {
        var user = $"one-bad-{fault}-{Guid.NewGuid():N}"[..24];
        var bad = ServiceNames.Instance(ServiceNames.Payment, 2);
        await system.SetFailureModeAsync(bad, fault switch
        {
            "hang" => new FailureMode(FailureKind.Hang),
            "error" => new FailureMode(FailureKind.Error, StatusCode: 500),
            _ => new FailureMode(FailureKind.Down),
        });

        // Until the bad instance has had its share of the payments (a hung one costs a write attempt timeout each time).
        var answers = await PayUntilReachedAsync(user, bad, times: fault == "hang" ? 1 : 2);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
    }

    [Theory]
    [InlineData("flaky")]
    [InlineData("cut")]
    public async Task AnswerLostOnOneInstance_TheGatewayTriesAnother_TheCallerGets201_AndOnePaymentIsStored(string fault)
    {
        var user = $"lost-{fault}-{Guid.NewGuid():N}"[..24];
        var history = await PaymentLedgers.StoredAsync(system, [user]);
        var lossy = ServiceNames.Instance(ServiceNames.Payment, 2);

        // Every write that reaches this instance is applied, and its answer lost on the way back.
        await system.SetFailureModeAsync(lossy, fault == "flaky" ? new FailureMode(FailureKind.Flaky, FailureRate: 1) : new FailureMode(FailureKind.Cut));
        var answers = await PayUntilReachedAsync(user, lossy, times: 2);
        await system.SetFailureModeAsync(lossy, FailureMode.None);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Created, answer.StatusCode));
        Assert.Equal(answers.Select(a => a.Payment!.Id).Order(), (await PaymentLedgers.StoredAsync(system, [user])).Except(history).Order());
    }

    [Fact]
    public async Task EveryInstanceRestarted_NothingIsLost()
    {
        var user = $"restart-{Guid.NewGuid():N}"[..20];
        var paid = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            paid.Add((await (await PayAsync(user, Guid.NewGuid().ToString())).Content.ReadFromJsonAsync<Payment>())!.Id);
        }

        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await system.ExecuteAsync(instance, KnownResourceCommands.StopCommand);
            await system.App.ResourceNotifications.WaitForResourceAsync(instance, e => e.Snapshot.State?.Text != KnownResourceStates.Running).WaitAsync(TestTimeouts.Step);
            await system.EnsureRunningAsync(instance);
        }

        paid.Reverse();
        Assert.Equal(paid, (await PaymentLedgers.StoredAsync(system, [user])).Take(3));
    }

    // Fresh-key payments, one every 20 ms, until `instance` has received `times` of them (within a step's time, and at
    // most 400 payments). The choice sends few calls to an instance that just failed (a failure costs it a whole attempt
    // timeout in its latency estimate, which this system's LatencyDecay forgets in a second or two): pacing leaves it time.
    private async Task<List<(HttpStatusCode StatusCode, Payment? Payment)>> PayUntilReachedAsync(string user, string instance, int times)
    {
        var reachedBefore = await system.BusinessRequestsAsync(instance);
        var answers = new List<(HttpStatusCode, Payment?)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await system.BusinessRequestsAsync(instance) < reachedBefore + times)
        {
            Assert.True(answers.Count < 400 && watch.Elapsed < TestTimeouts.Step, $"{answers.Count} payments in {watch.Elapsed}, and {instance} got fewer than {times} of them.");
            using var answer = await PayAsync(user, Guid.NewGuid().ToString());
            answers.Add((answer.StatusCode, answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<Payment>() : null));
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        return answers;
    }

    private async Task<HttpResponseMessage> PayAsync(string user, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, user))
        {
            Content = JsonContent.Create(new { amount = 12.5m, currency = "EUR" }),
        };
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return await system.Gateway.SendAsync(request);
    }
}
