using System.Collections.Immutable;
using System.Net.Http.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>
/// Reads each stub's <c>GET /failure-mode</c> once a second and shows it on the stub's row, whoever set it (a button,
/// <c>curl</c>, the gateway's <c>/simulate-failure</c>): the mode as a property and, in the same update, the verdict of
/// its <see cref="FailureModeHealthCheck"/>, so the row reads the mode and Degraded together. A cheap loopback read;
/// nothing a request would have to reveal.
/// </summary>
internal sealed class FailureModeWatcher(
    IEnumerable<WatchedStub> stubs, ResourceNotificationService notifications, TimeProvider time) : BackgroundService
{
    private const string Property = "Failure mode";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(Interval, time);
        do
        {
            await Task.WhenAll(stubs.Select(stub => ReadAsync(stub, stoppingToken)));
        }
        while (await ticks.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ReadAsync(WatchedStub stub, CancellationToken stoppingToken)
    {
        FailureMode? mode = null;
        try
        {
            if (stub.Resource.GetEndpoint("http") is { IsAllocated: true } endpoint)
            {
                mode = await Http.GetFromJsonAsync<FailureMode>($"{endpoint.Url}{Paths.FailureMode}", stoppingToken);
            }
        }
        catch (Exception exception) when (
            exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !stoppingToken.IsCancellationRequested)
        {
            // Starting or stopped: nothing to show yet.
        }

        if (mode != stub.Mode)
        {
            stub.Mode = mode;
            await notifications.PublishUpdateAsync(stub.Resource, snapshot => (snapshot with
            {
                Properties = snapshot.Properties.With(Property, mode is null ? "unknown" : FailureModeText.Describe(mode)),
            }).WithHealthReports(WithVerdict(snapshot.HealthReports, stub.HealthCheck, mode)));
        }
    }

    // Replaces the check's own report, once Aspire has run it: until then the reports hold no result for /health
    // either, and a report from this check alone would make a starting stub look healthy. Should Aspire's own run of the
    // check read the old mode just before this and publish just after, its next run, at most 30 s on, puts it right.
    private ImmutableArray<HealthReportSnapshot> WithVerdict(ImmutableArray<HealthReportSnapshot> reports, string healthCheck, FailureMode? mode)
    {
        for (var i = 0; i < reports.Length; i++)
        {
            if (reports[i].Name == healthCheck && reports[i].Status is not null)
            {
                var verdict = FailureModeHealthCheck.Verdict(mode);
                return reports.SetItem(i, new HealthReportSnapshot(healthCheck, verdict.Status, verdict.Description, ExceptionText: null)
                {
                    LastRunAt = time.GetUtcNow().UtcDateTime,
                });
            }
        }

        return reports;
    }
}

/// <summary>Registers the watcher once.</summary>
internal static class FailureModeWatcherExtensions
{
    public static IServiceCollection AddFailureModeWatcher(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FailureModeWatcher>());
        return services;
    }
}
