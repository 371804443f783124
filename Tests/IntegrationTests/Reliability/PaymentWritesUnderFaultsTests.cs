using System.Collections.Concurrent;
using CircuitDemo.Contracts;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>
/// 200 payments through the gateway while payment-service is flaky (a failed write is applied, then its answer
/// lost). A client that retries each failure with the same idempotency key ends with exactly 200 payments.
/// </summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class PaymentWritesUnderFaultsTests(FaultMatrixApp system, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Payments = 200;

    /// <summary>One deadline for the whole test, every request and every wait included.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>The longest a client waits before retrying, whatever Retry-After says: the test is about keys, not patience.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(50);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task FlakyPaymentService_RetriedWithSameKeys_StoresEachPaymentExactlyOnce()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var user = "writes-" + Guid.NewGuid().ToString("N")[..8];
        using var payments = system.CreateClient(ServiceNames.Payment);
        var path = Paths.ForUser(Paths.UserPayments, user);
        var history = (await payments.GetFromJsonAsync<UserPayments>(path, deadline.Token))!.Payments.Select(p => p.Id).ToHashSet();
        await system.SetFailureModeAsync(ServiceNames.Payment, new FailureMode(FailureKind.Flaky, FailureRate: 0.3));
        var attempts = new ConcurrentBag<int>();
        var statuses = new ConcurrentDictionary<int, int>();
        var confirmed = new ConcurrentDictionary<string, string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, Payments), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (n, token) =>
        {
            var key = $"{user}-payment-{n}";
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = JsonContent.Create(new { amount = 10m + n, currency = "EUR" }),
                };
                request.Headers.Add(HeaderNames.IdempotencyKey, key);
                var response = await system.Gateway.SendAsync(request, token);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (response.IsSuccessStatusCode)
                {
                    confirmed[key] = (await response.Content.ReadFromJsonAsync<Payment>(token))!.Id;
                    attempts.Add(attempt);
                    return;
                }

                Assert.True((int)response.StatusCode is 502 or 503 or 504, $"Unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(20);
                await Task.Delay(retryAfter < MaxBackoff ? retryAfter : MaxBackoff, token);
            }
        });

        await system.SetFailureModeAsync(ServiceNames.Payment, FailureMode.None);
        var stored = (await payments.GetFromJsonAsync<UserPayments>(path, deadline.Token))!.Payments
            .Select(p => p.Id)
            .Where(id => !history.Contains(id)) // the ones created, whatever the ledger's ids look like
            .ToList();

        var answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"));
        output.WriteLine($"Answers: {answers}; attempts per payment: max {attempts.Max()}, mean {attempts.Average():0.00}");
        TestReport.Text("payment-writes", $"- Writes: {Payments} payments with a 30 % flaky payment-service (a failed write is applied and its answer lost): answers {answers}; at most {attempts.Max()} attempts for one payment; exactly {stored.Count} payments stored, {stored.Distinct().Count()} distinct.\n");
        Assert.Equal(Payments, confirmed.Count);
        Assert.Equal(Payments, stored.Count);
        Assert.Equal(Payments, stored.Distinct().Count());
        Assert.Equal(confirmed.Values.Order(), stored.Order());
        Assert.Contains(statuses.Keys, s => s >= 500); // the faults really happened
    }
}
