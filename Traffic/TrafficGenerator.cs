using System.Diagnostics;
using System.Net.Http.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Traffic;

/// <summary>
/// Sends <c>GET /user-dashboard/{id}</c> to the gateway at a steady rate, without waiting for one answer before the
/// next tick (a slow gateway must not slow the traffic down, or the charts would lie), and records every answer.
/// </summary>
public sealed partial class TrafficGenerator(
    HttpClient gateway, IOptions<TrafficOptions> options, TrafficMetrics metrics, TimeProvider time, ILogger<TrafficGenerator> logger)
    : BackgroundService
{
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        LogStarting(logger, settings.RatePerSecond, gateway.BaseAddress);
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1 / settings.RatePerSecond), time);
        var requests = new List<Task>();
        try
        {
            for (var n = 0; await ticks.WaitForNextTickAsync(stoppingToken); n++)
            {
                requests.RemoveAll(r => r.IsCompleted);
                if (Volatile.Read(ref _inFlight) >= settings.MaxInFlight)
                {
                    metrics.Request("skipped");
                    continue;
                }

                requests.Add(SendAsync($"traffic-{n % settings.Users}", stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the requests in flight end with the same token.
        }

        await Task.WhenAll(requests);
    }

    private async Task SendAsync(string userId, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await gateway.GetAsync($"{Paths.UserDashboard}/{userId}", stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                metrics.Request("error", watch.Elapsed);
                return;
            }

            var answer = await response.Content.ReadFromJsonAsync<DashboardView>(stoppingToken);
            metrics.Request("ok", watch.Elapsed);
            if (answer?.Sources is { } sources)
            {
                metrics.Section("user", sources.User);
                metrics.Section("orders", sources.Orders);
                metrics.Section("payments", sources.Payments);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.Request("failed", watch.Elapsed);
            LogFailed(logger, exception.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {Rate} requests per second to {Gateway}/user-dashboard/{{id}}")]
    private static partial void LogStarting(ILogger logger, double rate, Uri? gateway);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dashboard request got no answer: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
