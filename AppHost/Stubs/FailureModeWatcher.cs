using System.Net.Http.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>
/// Reads each stub's <c>GET /failure-mode</c> once a second and shows it on the stub's row, whoever set it (a button,
/// <c>curl</c>, the gateway's <c>/simulate-failure</c>). A cheap loopback read; nothing a request would have to reveal.
/// </summary>
internal sealed class FailureModeWatcher(IEnumerable<WatchedStub> stubs, ResourceNotificationService notifications, TimeProvider time) : BackgroundService
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
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !stoppingToken.IsCancellationRequested)
        {
            // Starting or stopped: nothing to show yet.
        }

        if (mode != stub.Mode)
        {
            stub.Mode = mode;
            await notifications.PublishUpdateAsync(stub.Resource, snapshot => snapshot with
            {
                Properties = snapshot.Properties.With(Property, mode is null ? "unknown" : FailureModeText.Describe(mode)),
            });
        }
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
