namespace CircuitDemo.IntegrationTests.Gateway;

/// <summary>
/// Hedged reads between real processes (docs/pattern.md, "The tail: hedged reads"): three payment-service instances,
/// every one holding a share of its calls a second (the <c>slow</c> mode's <c>rate</c>), behind a gateway with its
/// shipped hedging (<c>HedgeDelay</c> auto). The first late read arms the hedging; then a read still unanswered after the
/// service's p95 sends one hedge to another instance; the first answer wins, the other attempt is cancelled and counted
/// neither as a failure nor as a slow call.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class HedgedReadProcessTests
{
    private static readonly FailureMode Tail = new(FailureKind.Slow, DelayMs: 1000, Rate: 0.2);

    [Fact]
    public async Task TheTailOnEveryInstance_IsHedgedToAnotherInstance_EverySectionLive_AndNoLoserCounted()
    {
        await using var user = await ServiceProcess.StartAliveAsync(new Projects.UserService(), new Dictionary<string, string>());
        await using var order = await ServiceProcess.StartAliveAsync(new Projects.OrderService(), new Dictionary<string, string>());
        var ledger = new Dictionary<string, string> { [Settings.EnvironmentVariable(Settings.LedgerPath)] = TestLedgers.NewSqlitePath() };
        var payments = await ServiceProcess.StartAllAliveAsync(3, new Projects.PaymentService(), ledger);
        await using var first = payments[0];
        await using var second = payments[1];
        await using var third = payments[2];
        var environment = new Dictionary<string, string>
        {
            [$"services__{ServiceNames.User}__http__0"] = user.Url.ToString(),
            [$"services__{ServiceNames.Order}__http__0"] = order.Url.ToString(),
        };
        for (var i = 0; i < payments.Length; i++)
        {
            environment[$"services__{ServiceNames.Payment}__http__{i}"] = payments[i].Url.ToString();
        }

        await using var gateway = await ServiceProcess.StartAliveAsync(environment);
        using var client = gateway.Client();

        // The hedge delay follows the service's p95: a hundred healthy answers and a second make the first estimate.
        for (var i = 0; i < 120; i++)
        {
            Assert.Equal(Live, (await DashboardAsync(client)).Sources);
        }

        var estimated = await Eventually.UntilAsync(
            async () => (await PaymentsAsync(client)).Hedges!,
            hedges => hedges.DelayMs < 1250,
            "the hedge delay to come down from half the attempt timeout to the service's p95");
        foreach (var payment in payments)
        {
            await SetTailAsync(payment, Tail);
        }

        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(Live, (await DashboardAsync(client)).Sources);
        }

        var status = await PaymentsAsync(client);
        var hedges = status.Hedges!;
        Assert.True(hedges.Won > 0, $"no hedge won in 60 reads (the first late one arms the hedging) with a fifth of each instance's calls a second late: {hedges}");

        // A hedge sent leaves one loser, cancelled (unless both were late and it answered first): no failure, no slow
        // call, nothing in flight.
        Assert.InRange(status.CancelledRequests, 1, hedges.Sent);
        Assert.Equal((0L, 0L), (status.FailedRequests, status.InFlightRequests));
        Assert.DoesNotContain(status.Endpoints, e => e.ConsecutiveSlowCalls > 0 || e.FailedRequests > 0);
        TestReport.Text("hedged-reads", $"- Hedged reads, three payment-service processes each holding a fifth of its calls 1 s: delay {estimated.DelayMs} ms; {hedges.Sent} hedges sent in 60 reads, {hedges.Won} won, {hedges.Sent - hedges.Won} lost.\n");
    }

    private static readonly DashboardSources Live = new(FallbackReasons.Live, FallbackReasons.Live, FallbackReasons.Live);

    private static async Task<DashboardView> DashboardAsync(HttpClient client)
    {
        var response = await client.GetAsync($"{Paths.UserDashboard}/42");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!;
    }

    private static async Task<BreakerView> PaymentsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers.Single(b => b.Name == ServiceNames.Payment);

    private static async Task SetTailAsync(ServiceProcess payment, FailureMode mode)
    {
        using var client = payment.Client();
        using var request = new HttpRequestMessage(HttpMethod.Put, Paths.FailureMode) { Content = JsonContent.Create(mode) };
        request.Headers.Add(HeaderNames.AdminKey, ServiceProcess.AdminKey);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }
}
