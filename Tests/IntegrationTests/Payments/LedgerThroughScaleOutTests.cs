using CircuitDemo.IntegrationTests.Discovery;
using CircuitDemo.IntegrationTests.Ledger;

namespace CircuitDemo.IntegrationTests.Payments;

/// <summary>
/// The ledger through a change of the instance list, as on a cluster: five PaymentService processes on one ledger, a
/// DNS server in the test listing three of them, then all five, to a gateway that finds them by DNS; 40 users pay once
/// before the change, and their 40 keys are sent again after it. Then a second gateway takes turns with the first on
/// the same keys. Plain processes, no AppHost.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class LedgerThroughScaleOutTests : IDisposable
{
    private const int Users = 40;
    private readonly string _ledger = TestLedgers.NewSqlitePath();

    [Fact]
    public async Task ScaledFromThreeToFive_TheSameKeysSentAgain_PayNoSecondTime_EveryPaymentShown_AndTwoGatewaysTakingTurnsPayOncePerKey()
    {
        await using var dns = new TestDnsServer();
        var processes = await LedgerProcesses.StartAsync(5, LedgerProcesses.Sqlite(_ledger));
        try
        {
            var pods = DnsPods.PodsOf(processes);
            dns.List(ServiceNames.Payment, pods.Take(3));
            await using var gateway = await DnsPods.StartGatewayAsync(dns);
            using var client = gateway.Client();
            await DnsPods.UntilListedAsync(client, pods.Take(3), TestTimeouts.Step);

            var run = Guid.NewGuid().ToString("N")[..8];
            var users = Enumerable.Range(0, Users).Select(i => $"scale-{run}-{i}").ToList();
            var first = new Dictionary<string, Payment>();
            foreach (var user in users)
            {
                using var answer = await PayAsync(client, user, $"{user}-key");
                Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
                first[user] = (await answer.Content.ReadFromJsonAsync<Payment>())!;
            }

            dns.List(ServiceNames.Payment, pods);
            await DnsPods.UntilListedAsync(client, pods, TestTimeouts.Step);

            var (created, replayed) = (0, 0);
            foreach (var user in users)
            {
                using var answer = await PayAsync(client, user, $"{user}-key");
                created += answer.StatusCode == HttpStatusCode.Created ? 1 : 0;
                replayed += answer.StatusCode == HttpStatusCode.OK && (await answer.Content.ReadFromJsonAsync<Payment>())! == first[user] ? 1 : 0;
            }

            var shown = 0;
            foreach (var user in users)
            {
                var dashboard = (await client.GetFromJsonAsync<DashboardView>($"{Paths.UserDashboard}/{user}", StrictJson.Options))!;
                shown += dashboard.Sources.Payments == FallbackReasons.Live && dashboard.Payments.Payments.Contains(first[user]) ? 1 : 0;
            }

            // A second gateway, with the five pods listed from the start, takes turns with the first on ten new keys.
            await using var second = await DnsPods.StartGatewayAsync(dns);
            using var secondClient = second.Client();
            await DnsPods.UntilListedAsync(secondClient, pods, TestTimeouts.Step);
            var turns = new List<HttpStatusCode>();
            foreach (var user in users.Take(10))
            {
                foreach (var turn in new[] { client, secondClient, client, secondClient })
                {
                    using var answer = await PayAsync(turn, user, $"{user}-turns");
                    turns.Add(answer.StatusCode);
                }
            }

            var paymentsOfTheFirstTen = 0;
            using (var pod = processes[4].Client())
            {
                foreach (var user in users.Take(10))
                {
                    paymentsOfTheFirstTen += (await pod.GetFromJsonAsync<UserPayments>(Paths.ForUser(Paths.UserPayments, user)))!.Payments.Count(p => !p.Id.StartsWith($"pay-{user}-", StringComparison.Ordinal));
                }
            }

            TestReport.Text("ledger-scale-out", $"""
                | after 3 → 5 pods (gateway finding them by DNS, {DnsPods.RefreshPeriod.TotalSeconds:0} s refresh) | this run | target |
                |---|---:|---:|
                | earlier payments shown in their user's dashboard | {shown} of {Users} | {Users} of {Users} |
                | the same {Users} `Idempotency-Key`s sent again: answered 201, a second payment | {created} of {Users} | 0 |
                | the same keys answered 200 (a replay of the first payment) | {replayed} of {Users} | {Users} of {Users} |
                | two gateways taking turns, 10 keys × 4 sends: payments made | {paymentsOfTheFirstTen - 10} | 10 |

                """);
            Assert.Equal((0, Users, Users), (created, replayed, shown));
            Assert.Equal(Enumerable.Range(0, 10).SelectMany(_ => new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK }), turns);
            Assert.Equal(20, paymentsOfTheFirstTen); // each of the ten: its first payment, and one for the turns' key
        }
        finally
        {
            await DnsPods.StopAsync(processes);
        }
    }

    public void Dispose() => TestLedgers.Delete(_ledger);

    private static async Task<HttpResponseMessage> PayAsync(HttpClient gateway, string user, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, user)) { Content = JsonContent.Create(new { amount = 20m, currency = "EUR" }) };
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return await gateway.SendAsync(request);
    }
}
