using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>
/// 32 clients on <c>/user-dashboard</c> while a chaos loop breaks a random service in a random way every 1.5 seconds.
/// Its length is a setting: <c>SOAK_SECONDS</c>, 45 by default and always in CI (thirty changes of chaos, one every
/// one and a half seconds). Loopback only, bounded in time.
/// Each client sends a request every <see cref="ClientInterval"/> (at once when an answer took longer): a steady
/// load with 32 calls in flight whenever the chaos makes a service slow, on the fault matrix's system (after a reset),
/// that leaves the processor to the tests running beside it. How the system does flat out is what <c>scripts/load.sh</c> measures.
/// </summary>
[Collection(FaultMatrixSystem.Name)]
public sealed class ChaosSoakTests(FaultMatrixApp system, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 32;
    private static readonly TimeSpan ClientInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ChaosInterval = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// A read ends within one attempt timeout after at most a fast failure and its retry (a timeout is never retried):
    /// within the longest here, payment-service's, + 1 s; a loaded machine adds queueing on top.
    /// </summary>
    private static readonly TimeSpan LatencyBound = FaultMatrixApp.PaymentTimeout + TimeSpan.FromSeconds(1);

    private static readonly string[] AllowedSources =
        [FallbackReasons.Live, FallbackReasons.CircuitOpen, FallbackReasons.Timeout, FallbackReasons.Error, FallbackReasons.Unavailable,
            FallbackReasons.Overloaded];

    private static readonly FailureMode[] ChaosModes =
    [
        new(FailureKind.Error, StatusCode: 500),
        new(FailureKind.Slow, DelayMs: 300),
        new(FailureKind.Slow, DelayMs: 2000),
        new(FailureKind.Hang),
        new(FailureKind.Flaky, FailureRate: 0.5),
        new(FailureKind.Down),
        new(FailureKind.Stall),
        new(FailureKind.Cut),
        new(FailureKind.Garbage),
        new(FailureKind.Busy, StatusCode: 429, RetryAfterSeconds: 30),
    ];

    private const int DefaultSeconds = 45;

    private static TimeSpan SoakDuration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SOAK_SECONDS"), out var seconds) && seconds > 0 && !InCi ? seconds : DefaultSeconds);

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task ThirtyTwoClientsUnderChaos_NoErrors_P99InBound_RecoverAllClosed_CountsAddUp_HeapStable()
    {
        var problems = new ConcurrentQueue<string>();
        var latencies = new ConcurrentBag<double>();
        var random = new Random(20261127);
        var duration = SoakDuration;
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();

        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var ids = new Random(client);
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var response = await system.Gateway.GetAsync($"/user-dashboard/soak-{ids.Next(1000)}");
                var body = await response.Content.ReadAsStringAsync();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (Check(response, body) is { } problem)
                {
                    problems.Enqueue(problem);
                }

                if (ClientInterval - watch.Elapsed is { Ticks: > 0 } pause && !stop.IsCancellationRequested)
                {
                    await Task.Delay(pause, CancellationToken.None);
                }
            }
        })).ToArray();

        var chaos = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ResetModesAsync();
                var service = ServiceNames.Stubs[random.Next(ServiceNames.Stubs.Count)];
                await system.SetFailureModeAsync(service, ChaosModes[random.Next(ChaosModes.Length)]);
                await Task.Delay(ChaosInterval, CancellationToken.None);
            }
        });

        // The heap baseline once warm (a quarter in): the median of three samples, so one unlucky collection does not set it.
        await Task.Delay(duration / 4 - clock.Elapsed > TimeSpan.Zero ? duration / 4 - clock.Elapsed : TimeSpan.Zero);
        var baseline = Median([(await system.HeapAsync()).HeapBytesAfterFullGc, (await system.HeapAsync()).HeapBytesAfterFullGc, (await system.HeapAsync()).HeapBytesAfterFullGc]);
        await Task.WhenAll(clients).WaitAsync(duration + TestTimeouts.Step);
        await chaos.WaitAsync(TestTimeouts.Step);
        var atEnd = Median([(await system.HeapAsync()).HeapBytesAfterFullGc, (await system.HeapAsync()).HeapBytesAfterFullGc, (await system.HeapAsync()).HeapBytesAfterFullGc]);

        // Recovery: every mode back to none; traffic drives every breaker through its probes to Closed.
        await ResetModesAsync();
        await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("soak-final"), await system.BreakersAsync()),
            r => r.Item1.Sources == new DashboardSources(FallbackReasons.Live, FallbackReasons.Live, FallbackReasons.Live) && r.Item2.Where(b => !b.Name.EndsWith(BreakerNames.WriteSuffix, StringComparison.Ordinal)).All(b => b.State == CircuitState.Closed),
            "every read breaker Closed and every section live after the chaos",
            TimeSpan.FromSeconds(60));
        var breakers = await system.BreakersAsync();
        var transitions = breakers.Sum(b => b.ChangesSoFar);

        var sorted = latencies.Order().ToArray();
        var p99 = sorted[(int)(sorted.Length * 0.99)];
        var overBound = sorted.Count(l => l > LatencyBound.TotalMilliseconds);
        var summary =
            $"- Soak: {sorted.Length:N0} requests in {duration.TotalSeconds:0} s ({sorted.Length / duration.TotalSeconds:0}/s) from {Clients} clients (each at most one request every {ClientInterval.TotalMilliseconds:0} ms), {problems.Count} bad answers; " +
            $"latency p50 {sorted[sorted.Length / 2]:0} ms, p99 {p99:0} ms, {overBound} ({100.0 * overBound / sorted.Length:0.00} %) over {LatencyBound.TotalMilliseconds:0} ms, worst {sorted[^1]:0} ms; " +
            $"{transitions} breaker transitions; afterwards every read breaker Closed and every section live; " +
            $"gateway heap after a full GC (median of three) {baseline / 1024:N0} KiB once warm, {atEnd / 1024:N0} KiB at the end ({100.0 * (atEnd - baseline) / baseline:+0.0;-0.0} %, limit +20 %).\n";
        output.WriteLine(summary);
        foreach (var b in breakers)
        {
            output.WriteLine($"  {b.Name}: total {b.TotalRequests} = {b.SuccessfulRequests} ok + {b.FailedRequests} failed + {b.RejectedRequests} rejected + {b.CancelledRequests} cancelled");
        }

        if (InCi || duration >= TimeSpan.FromSeconds(DefaultSeconds))
        {
            TestReport.Text("soak", summary);
        }

        Assert.True(problems.IsEmpty, $"{problems.Count} bad answers, first: {string.Join(" | ", problems.Take(5))}");
        Assert.True(sorted.Length > 20 * duration.TotalSeconds, $"Only {sorted.Length} requests in {duration}.");
        Assert.True(transitions > 0, "The chaos never tripped a breaker: the soak tested nothing.");
        Assert.True(p99 <= LatencyBound.TotalMilliseconds, $"p99 {p99:0} ms over the bound {LatencyBound.TotalMilliseconds:0} ms.");
        Assert.True(overBound <= sorted.Length * 0.005, $"{overBound} of {sorted.Length} answers over {LatencyBound.TotalMilliseconds:0} ms (allowed 0.5 %); the worst {sorted[^1]:0} ms.");
        Assert.All(breakers, b =>
        {
            Assert.Equal(0, b.InFlightRequests);
            Assert.Equal(b.TotalRequests, b.SuccessfulRequests + b.FailedRequests + b.RejectedRequests + b.CancelledRequests);
        });
        Assert.True(atEnd < baseline * 1.2, $"The gateway's heap grew from {baseline} to {atEnd} bytes.");
    }

    private static string? Check(HttpResponseMessage response, string body)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode}: {body}";
        }

        try
        {
            // Strict: a field that must not be null and is does not deserialize; one left out reads as null.
            var dashboard = JsonSerializer.Deserialize<DashboardView>(body, StrictJson.Options)!;
            var sources = new[] { dashboard.Sources?.User, dashboard.Sources?.Orders, dashboard.Sources?.Payments };
            return sources.All(s => s is not null && AllowedSources.Contains(s))
                && dashboard.User?.Name is not null && dashboard.Orders?.Orders is not null && dashboard.Payments?.Payments is not null
                ? null
                : "malformed: " + body;
        }
        catch (JsonException exception)
        {
            return $"malformed ({exception.GetType().Name}): {body}";
        }
    }

    private async Task ResetModesAsync()
    {
        foreach (var service in ServiceNames.Stubs)
        {
            await system.SetFailureModeAsync(service, FailureMode.None);
        }
    }

    private static long Median(long[] samples) => samples.Order().ElementAt(samples.Length / 2);
}
