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
