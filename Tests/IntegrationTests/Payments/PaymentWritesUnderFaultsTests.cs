using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Payments;

/// <summary>
/// 200 payments through the gateway while payment-service is flaky (a failed write is applied, then its answer lost). A
/// client that retries each failure with the same idempotency key ends with exactly 200 payments in the one ledger, as
/// every instance lists them: with one instance, and with three.
/// </summary>
internal static class PaymentWritesUnderFaults
{
    private const int Payments = 200;

    /// <summary>One deadline for the whole run, every request and every wait included.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>The longest a client waits before retrying, whatever Retry-After says: the test is about keys, not patience.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(CircuitDemoApp system, int users, string report, ITestOutputHelper output)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var run = "writes-" + Guid.NewGuid().ToString("N")[..8];
        var userIds = Enumerable.Range(0, users).Select(u => $"{run}-{u}").ToList();
        var history = (await PaymentLedgers.StoredAsync(system, userIds, deadline.Token)).ToHashSet();
        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await system.SetFailureModeAsync(instance, new FailureMode(FailureKind.Flaky, FailureRate: 0.3));
        }

        var attempts = new ConcurrentBag<int>();
        var statuses = new ConcurrentDictionary<int, int>();
        var confirmed = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Payments), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = deadline.Token }, async (n, token) =>
        {
            var key = $"{run}-payment-{n}";
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, userIds[n % users]))
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

        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            await system.SetFailureModeAsync(instance, FailureMode.None);
        }

        var stored = (await PaymentLedgers.StoredAsync(system, userIds, deadline.Token)).Where(id => !history.Contains(id)).ToList();
        var answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"));
        output.WriteLine($"Answers: {answers}; attempts per payment: max {attempts.Max()}, mean {attempts.Average():0.00}");
        TestReport.Text(report, $"- Writes, {system.PaymentInstances} instance(s) of payment-service, {users} user(s): {Payments} payments with every instance 30 % flaky (a failed write is applied and its answer lost): answers {answers}; at most {attempts.Max()} attempts for one payment; exactly {stored.Count} payments in the ledger, {stored.Distinct().Count()} distinct, every instance listing them all.\n");
        Assert.Equal(Payments, confirmed.Count);
        Assert.Equal(Payments, stored.Count);
        Assert.Equal(Payments, stored.Distinct().Count());
        Assert.Equal(confirmed.Values.Order(), stored.Order());
        Assert.Contains(statuses.Keys, s => s >= 500); // the faults really happened
    }
}

/// <summary>The payments in the ledger, read from each instance of payment-service directly.</summary>
internal static class PaymentLedgers
{
    /// <summary>
    /// The ids of every payment of these users (history included), as the ledger lists them; every instance must list
    /// the same, newest first: they share one ledger.
    /// </summary>
    public static async Task<List<string>> StoredAsync(CircuitDemoApp system, IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        foreach (var user in userIds)
        {
            var byInstance = await ByInstanceAsync(system, user, cancellationToken);
            var first = byInstance.Values.First().Select(p => p.Id).ToList();
            Assert.All(byInstance, listed => Assert.Equal(first, listed.Value.Select(p => p.Id)));
            ids.AddRange(first);
        }

        return ids;
    }

    /// <summary>Each instance's list of one user's payments (up to 500), by instance.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<Payment>>> ByInstanceAsync(CircuitDemoApp system, string userId, CancellationToken cancellationToken = default)
    {
        var byInstance = new Dictionary<string, IReadOnlyList<Payment>>();
        foreach (var instance in system.InstancesOf(ServiceNames.Payment))
        {
            using var client = system.CreateClient(instance);
            byInstance[instance] = (await client.GetFromJsonAsync<UserPayments>(Paths.ForUser(Paths.UserPayments, userId) + "?limit=500", cancellationToken))!.Payments;
        }

        return byInstance;
    }
}

/// <summary>The payments under faults on a system with one instance of every service.</summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class PaymentWritesUnderFaultsTests(FaultMatrixApp system, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public Task FlakyPaymentService_RetriedWithSameKeys_StoresEachPaymentExactlyOnce() =>
        PaymentWritesUnderFaults.RunAsync(system, users: 1, "payment-writes", output);
}

/// <summary>The payments under faults on a system with three instances of payment-service sharing one ledger.</summary>
[Collection(ThreeInstanceSystem.Name)]
public sealed class PaymentWritesUnderFaultsWithInstancesTests(ThreeInstanceApp system, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public Task FlakyInstances_RetriedWithSameKeys_StoreEachPaymentExactlyOnce_AcrossEveryInstance() =>
        PaymentWritesUnderFaults.RunAsync(system, users: 12, "payment-writes-instances", output);
}
