namespace CircuitDemo.IntegrationTests.Payments;

/// <summary>
/// Payments with three instances of payment-service, each with a ledger of its own: every payment of a user goes to the
/// one instance that owns the user (rendezvous hashing of the user id with the instances' names), so the same
/// idempotency key reaches the ledger that has seen it, whatever happened to the answer before. While that instance is
/// out of rotation, its users' payments are refused with 503 and Retry-After, never sent to another instance.
/// </summary>
[Collection(ThreeInstanceSystem.Name)]
public sealed class PaymentsWithInstancesTests(ThreeInstanceApp system) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task FiveKeys_EachPostedSixTimes_MakeFivePayments_AcrossEveryInstance()
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
    [InlineData("flaky")]
    [InlineData("cut")]
    public async Task AnswerLost_TheSameKeyRetried_MakesOnePayment_AcrossEveryInstance(string fault)
    {
        var user = $"lost-{fault}-{Guid.NewGuid():N}"[..24];
        var owner = OwnerOf(user);
        var history = await PaymentLedgers.StoredAsync(system, [user]);
        var key = Guid.NewGuid().ToString();

        // The write is applied, and its answer lost on the way back: the client cannot tell whether it was taken.
        await system.SetFailureModeAsync(owner, fault switch
        {
            "flaky" => new FailureMode(FailureKind.Flaky, FailureRate: 1),
            _ => new FailureMode(FailureKind.Cut),
        });
        var lost = await PayAsync(user, key);
        Assert.True(lost.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout, $"The lost answer came back as {(int)lost.StatusCode}.");
        await system.SetFailureModeAsync(owner, FailureMode.None);

        var retried = await PayAsync(user, key);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode); // the payment the first attempt made, replayed
        var created = (await PaymentLedgers.StoredAsync(system, [user])).Except(history).ToList();
        Assert.Equal((await retried.Content.ReadFromJsonAsync<Payment>())!.Id, Assert.Single(created));
    }

    [Fact]
    public async Task AUsersPayments_AreAllOnTheInstanceThatOwnsIt_TheOthersShowItsHistoryAlone()
    {
        var user = $"reads-{Guid.NewGuid():N}"[..20];
        var owner = OwnerOf(user);
        var historyBefore = await PaymentLedgers.ByInstanceAsync(system, user);

        var paid = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var answer = await PayAsync(user, Guid.NewGuid().ToString());
            paid.Add((await answer.Content.ReadFromJsonAsync<Payment>())!.Id);
        }

        var after = await PaymentLedgers.ByInstanceAsync(system, user);
        foreach (var (instance, payments) in after)
        {
            var made = payments.Select(p => p.Id).Except(historyBefore[instance].Select(p => p.Id)).ToList();
            Assert.Equal(instance == owner ? paid : [], made);
            Assert.Equal(historyBefore[instance].Select(p => p.Id), payments.Select(p => p.Id).Take(historyBefore[instance].Count)); // the history is the same everywhere
        }
    }

    [Fact]
    public async Task TheOwnerOutOfRotation_ItsUsersPaymentsAre503WithRetryAfter_AndNoOtherInstanceIsAsked()
    {
        var user = $"owner-out-{Guid.NewGuid():N}"[..24];
        var owner = OwnerOf(user);
        var others = system.InstancesOf(ServiceNames.Payment).Where(i => i != owner).ToList();
        var othersServed = await Task.WhenAll(others.Select(system.BusinessRequestsAsync));
        await system.SetFailureModeAsync(owner, new FailureMode(FailureKind.Error, StatusCode: 500));

        // Its failures in a row eject it from the write breaker's rotation (the others have not failed: they are its own).
        var refused = await Eventually.UntilAsync(
            async () =>
            {
                var answer = await PayAsync(user, Guid.NewGuid().ToString());
                Assert.True(answer.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"{(int)answer.StatusCode}");
                return answer;
            },
            answer => answer.StatusCode == HttpStatusCode.ServiceUnavailable,
            $"a payment of {user} to be refused while {owner} is out",
            TestTimeouts.Step);

        await ProblemAssert.IsAsync(refused, 503);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), CircuitDemoApp.WriteEjectionTime * 2);
        Assert.Contains("out of rotation", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(othersServed, await Task.WhenAll(others.Select(system.BusinessRequestsAsync)));
        Assert.Equal(CircuitState.Closed, (await system.BreakerAsync(BreakerNames.For(ServiceNames.Payment, isWrite: true))).State);
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

    // The instance the gateway sends a user's payments to: the highest rendezvous score of its name with the user's id.
    private string OwnerOf(string user) =>
        system.InstancesOf(ServiceNames.Payment).MaxBy(instance => CircuitDemo.ServiceDefaults.Endpoints.EndpointChoice.Score(instance, user))!;
}
