using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>
/// 32 clients on <c>/user-dashboard</c> for a minute while a chaos loop breaks a random service in a random way every
/// two seconds. Loopback only, bounded in time and count.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class ChaosSoakTests(CircuitDemoApp system, ITestOutputHelper output)
{
    private static readonly TimeSpan SoakDuration = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ChaosInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LatencyBound = TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(2); // attempt timeout + margin
    private static readonly string[] AllowedSources =
        ["live", "fallback:circuit-open", "fallback:timeout", "fallback:error", "fallback:unavailable"];

    private static readonly object[] ChaosModes =
    [
        new { mode = "error", statusCode = 500 },
        new { mode = "slow", delayMs = 300 },
        new { mode = "slow", delayMs = 2000 },
        new { mode = "hang" },
        new { mode = "flaky", failureRate = 0.5 },
        new { mode = "down" },
    ];

    [Fact]
    public async Task ThirtyTwoClientsUnderChaos_NoErrorsInTime_RecoverAllClosed_CountsAddUp_HeapStable()
    {
        await system.ResetAsync();
        var problems = new ConcurrentQueue<string>();
        var requests = 0L;
        var worstTicks = 0L;
        var random = new Random(20261127);
        using var stop = new CancellationTokenSource(SoakDuration);
        var soakClock = Stopwatch.StartNew();

        var clients = Enumerable.Range(0, 32).Select(client => Task.Run(async () =>
        {
            var ids = new Random(client);
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var response = await system.Gateway.GetAsync($"/user-dashboard/soak-{ids.Next(1000)}");
                var body = await response.Content.ReadAsStringAsync();
                watch.Stop();
                Interlocked.Increment(ref requests);
                InterlockedMax(ref worstTicks, watch.Elapsed.Ticks);
                if (Check(response, body, watch.Elapsed) is { } problem)
                {
                    problems.Enqueue(problem);
                }
            }
        })).ToArray();

        var chaos = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ResetModesAsync();
                var service = CircuitDemoApp.Services[random.Next(CircuitDemoApp.Services.Length)];
                await system.SetFailureModeAsync(service, ChaosModes[random.Next(ChaosModes.Length)]);
                await Task.Delay(ChaosInterval, CancellationToken.None);
            }
        });

        var heapAfterFirst15s = await HeapAfterAsync(TimeSpan.FromSeconds(15), soakClock);
        await Task.WhenAll(clients).WaitAsync(SoakDuration + TestTimeouts.Step);
        await chaos.WaitAsync(TestTimeouts.Step);
        var heapAtEnd = await HeapAsync();

        // Recovery: every mode back to none; traffic drives every breaker through its probes to Closed.
        await ResetModesAsync();
        await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("soak-final"), await system.BreakersAsync()),
            r => r.Item1.Sources == new SourcesView("live", "live", "live") && r.Item2.All(b => b.State == "Closed"),
            "every breaker Closed and every section live after the chaos",
            TimeSpan.FromSeconds(60));
        var breakers = await system.BreakersAsync();
        var transitions = system.Logs.Count(r => r.Category?.StartsWith("AppHost.Resources.gateway", StringComparison.Ordinal) == true
            && r.Message.Contains("Circuit breaker ", StringComparison.Ordinal) && r.Message.Contains(" -> ", StringComparison.Ordinal));

        output.WriteLine($"Requests: {requests} in {SoakDuration.TotalSeconds:0} s ({requests / SoakDuration.TotalSeconds:0} per second); worst latency {TimeSpan.FromTicks(worstTicks).TotalMilliseconds:0} ms");
        output.WriteLine($"Breaker transitions logged by the gateway: {transitions}");
        output.WriteLine($"Gateway heap after full GC: {heapAfterFirst15s.HeapBytesAfterFullGc / 1024} KiB at 15 s, {heapAtEnd.HeapBytesAfterFullGc / 1024} KiB at the end");
        foreach (var b in breakers)
        {
            output.WriteLine($"  {b.Name}: total {b.TotalRequests} = {b.SuccessfulRequests} ok + {b.FailedRequests} failed + {b.RejectedRequests} rejected + {b.CancelledRequests} cancelled");
        }

        Assert.True(problems.IsEmpty, $"{problems.Count} bad answers, first: {string.Join(" | ", problems.Take(5))}");
        Assert.True(requests > 1000, $"Only {requests} requests in {SoakDuration}.");
        Assert.True(transitions > 0, "The chaos never tripped a breaker: the soak tested nothing.");
        Assert.All(breakers, b =>
        {
            Assert.Equal(0, b.InFlightRequests);
            Assert.Equal(b.TotalRequests, b.SuccessfulRequests + b.FailedRequests + b.RejectedRequests + b.CancelledRequests);
        });
        Assert.True(
            heapAtEnd.HeapBytesAfterFullGc < heapAfterFirst15s.HeapBytesAfterFullGc * 1.2,
            $"The gateway's heap grew from {heapAfterFirst15s.HeapBytesAfterFullGc} to {heapAtEnd.HeapBytesAfterFullGc} bytes.");
    }

    private static string? Check(HttpResponseMessage response, string body, TimeSpan latency)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode}: {body}";
        }

        if (latency > LatencyBound)
        {
            return $"took {latency.TotalMilliseconds:0} ms";
        }

        try
        {
            var dashboard = JsonSerializer.Deserialize<DashboardResponse>(body, JsonSerializerOptions.Web)!;
            var sources = new[] { dashboard.Sources.User, dashboard.Sources.Orders, dashboard.Sources.Payments };
            return sources.All(AllowedSources.Contains)
                && dashboard.User.GetProperty("name").ValueKind == JsonValueKind.String
                && dashboard.Orders.GetProperty("orders").ValueKind == JsonValueKind.Array
                && dashboard.Payments.GetProperty("payments").ValueKind == JsonValueKind.Array
                ? null
                : "malformed: " + body;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or NullReferenceException)
        {
            return $"malformed ({exception.GetType().Name}): {body}";
        }
    }

    private async Task ResetModesAsync()
    {
        foreach (var service in CircuitDemoApp.Services)
        {
            await system.SetFailureModeAsync(service, new { mode = "none" });
        }
    }

    private async Task<HeapView> HeapAfterAsync(TimeSpan at, Stopwatch clock)
    {
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait); // the soak's own timeline, not a wait for an event
        }

        return await HeapAsync();
    }

    private async Task<HeapView> HeapAsync()
    {
        using var request = CircuitDemoApp.Admin(HttpMethod.Post, "/diagnostics/gc");
        var response = await system.Gateway.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HeapView>())!;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref target, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }
}
