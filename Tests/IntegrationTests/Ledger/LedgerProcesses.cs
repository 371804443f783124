using System.Collections.Concurrent;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>
/// PaymentService as real processes on one ledger (a SQLite file, or a PostgreSQL database), and the loads the ledger's
/// process tests put on them: the same key from every process at once, and payments while the store is taken away.
/// </summary>
internal static class LedgerProcesses
{
    /// <summary>Starts <paramref name="count"/> PaymentService processes on the ledger <paramref name="ledger"/> names.</summary>
    public static Task<ServiceProcess[]> StartAsync(int count, IReadOnlyDictionary<string, string> ledger) =>
        ServiceProcess.StartAllAliveAsync(count, new Projects.PaymentService(), ledger);

    public static Dictionary<string, string> Sqlite(string path) => new()
    {
        [Settings.EnvironmentVariable(Settings.LedgerPath)] = path,
        ["Ledger__BusyTimeout"] = "00:00:01",
    };

    public static Dictionary<string, string> Postgres(string connectionString) => new()
    {
        [Settings.EnvironmentVariable(Settings.LedgerConnectionString)] = connectionString,
    };

    /// <summary>The same key and body from 20 callers spread over the processes, released together: every answer.</summary>
    public static async Task<HttpStatusCode[]> SameKeyAtOnceAsync(IReadOnlyList<ServiceProcess> processes, string user, string key)
    {
        var clients = processes.Select(p => p.Client()).ToList();
        using var start = new ManualResetEventSlim();
        var posts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return (await PayAsync(clients[i % clients.Count], user, key)).StatusCode;
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(posts);
        clients.ForEach(c => c.Dispose());
        return answers;
    }

    /// <summary>
    /// Payments with fresh keys from four callers, paced, for as long as <paramref name="meanwhile"/> runs and a second more:
    /// each key with the answer it got. Every answer must be 201, or 503 with Retry-After and a ProblemDetails.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, HttpStatusCode>> PayWhileAsync(ServiceProcess process, string user, Func<Task> meanwhile)
    {
        var answers = new ConcurrentDictionary<string, HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        using var client = process.Client();
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"{c}-{i}";
                using var answer = await PayAsync(client, user, key);
                Assert.True(answer.StatusCode == HttpStatusCode.Created || (answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.Headers.RetryAfter is not null),
                    $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    await ProblemAssert.IsAsync(answer, 503);
                }

                answers[key] = answer.StatusCode;
                await Task.Delay(TimeSpan.FromMilliseconds(20)); // about 150 payments a second in all: one read lists them
            }
        })).ToList();

        await meanwhile();
        await Task.Delay(TimeSpan.FromSeconds(1)); // the payments after the store is back (a bounded span of load, not a wait for an event)
        await stop.CancelAsync();
        await Task.WhenAll(callers);
        return answers;
    }

    /// <summary>
    /// Nothing half-written: every key answered 201 replays its payment, every key answered 503 (which may or may not
    /// have been taken as the store went away) is taken when sent again, and the ledger then holds exactly one whole
    /// payment (9.99 EUR) per key, and no other.
    /// </summary>
    public static async Task AssertOnePaymentPerKeyAsync(ServiceProcess process, string user, IReadOnlyDictionary<string, HttpStatusCode> answers)
    {
        using var client = process.Client();
        foreach (var (key, status) in answers)
        {
            using var again = await PayAsync(client, user, key);
            Assert.True(status == HttpStatusCode.Created ? again.StatusCode == HttpStatusCode.OK : again.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
                $"{key}: first {(int)status}, then {(int)again.StatusCode}");
        }

        var listed = (await client.GetFromJsonAsync<UserPayments>(Paths.ForUser(Paths.UserPayments, user) + "?limit=500"))!.Payments
            .Where(p => !p.Id.StartsWith($"pay-{user}-", StringComparison.Ordinal)).ToList(); // not the history
        Assert.Equal(answers.Count, listed.Count);
        Assert.All(listed, p => Assert.Equal((9.99m, "EUR", "completed"), (p.Amount, p.Currency, p.Status)));
    }

    public static async Task<HttpResponseMessage> PayAsync(HttpClient client, string user, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, user)) { Content = JsonContent.Create(new { amount = 9.99m, currency = "EUR" }) };
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return await client.SendAsync(request);
    }
}
