using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>
/// 200 payments through the gateway while payment-service is flaky (a failed write is applied, then its answer
/// lost). A client that retries each failure with the same idempotency key ends with exactly 200 payments.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class PaymentWritesUnderFaultsTests(CircuitDemoApp system, ITestOutputHelper output)
{
    private const int Payments = 200;
    private const int MaxAttemptsPerPayment = 100;

    [Fact]
    public async Task FlakyPaymentService_RetriedWithSameKeys_StoresEachPaymentExactlyOnce()
    {
        await system.ResetAsync();
        var user = "writes-" + Guid.NewGuid().ToString("N")[..8];
        await system.SetFailureModeAsync("payment-service", new { mode = "flaky", failureRate = 0.3 });
        var attempts = new ConcurrentBag<int>();
        var statuses = new ConcurrentDictionary<int, int>();
        var confirmed = new ConcurrentDictionary<string, string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, Payments), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var key = $"{user}-payment-{n}";
            for (var attempt = 1; attempt <= MaxAttemptsPerPayment; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/payments/user/{user}")
                {
                    Content = JsonContent.Create(new { amount = 10m + n, currency = "EUR" }),
                };
                request.Headers.Add("Idempotency-Key", key);
                var response = await system.Gateway.SendAsync(request);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (response.IsSuccessStatusCode)
                {
                    confirmed[key] = (await response.Content.ReadFromJsonAsync<PaymentView>())!.Id;
                    attempts.Add(attempt);
                    return;
                }

                Assert.True((int)response.StatusCode is 502 or 503 or 504, $"Unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                // Back off as the gateway asks while the write breaker is open (bounded), else briefly.
                var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(20);
                await Task.Delay(retryAfter > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : retryAfter);
            }

            Assert.Fail($"Payment {key} did not go through in {MaxAttemptsPerPayment} attempts.");
        });

        await system.SetFailureModeAsync("payment-service", new { mode = "none" });
        using var payments = system.Service("payment-service");
        var stored = (await payments.GetFromJsonAsync<JsonElement>($"/payments/user/{user}")).GetProperty("payments")
            .EnumerateArray().Select(p => p.GetProperty("id").GetString()!)
            .Where(id => id.Length > 30).ToList(); // created ones ("pay-" + a GUID), not the short history ids

        output.WriteLine($"Answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; attempts per payment: max {attempts.Max()}, mean {attempts.Average():0.00}");
        Assert.Equal(Payments, confirmed.Count);
        Assert.Equal(Payments, stored.Count);
        Assert.Equal(Payments, stored.Distinct().Count());
        Assert.Equal(confirmed.Values.Order(), stored.Order());
        Assert.Contains(statuses.Keys, s => s >= 500); // the faults really happened
    }
}
