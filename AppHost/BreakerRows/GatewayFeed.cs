using System.Net.ServerSentEvents;
using System.Text.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// Feeds the breakers' rows from the gateway: one <c>/circuit-breakers/stream</c> per running gateway replica, pushed
/// (not polled) as each change happens, and a countdown to the next probe ticked here each second; and, from the same
/// reports, what the gateway makes of each stub instance, on the instance's own row. When the gateway stops, the rows
/// say so; when it comes back, or its stream falls silent, its stream is read again.
/// </summary>
internal sealed partial class GatewayFeed(
    BreakerRowSet rows,
    BreakerReports reports,
    ResourceNotificationService notifications,
    TimeProvider time,
    ILogger<GatewayFeed> logger) : BackgroundService
{
    private static readonly HttpClient StreamClient = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly HttpClient CommandClient = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly BreakerReports _reports = reports;
    private readonly Dictionary<string, (Uri Url, long Stream, CancellationTokenSource Stop)> _streams = [];
    private readonly Dictionary<ProjectResource, (string Ejected, string Estimate)> _instanceRows = [];

    /// <summary>The address of every gateway replica running now (empty until the first one runs).</summary>
    public IReadOnlyList<Uri> ReplicaUrls
    {
        get
        {
            lock (_lock)
            {
                return [.. _streams.Values.Select(s => s.Url)];
            }
        }
    }

    /// <summary>Sends a control-plane POST (isolate, reset) for one breaker to every running gateway replica; reports each that failed.</summary>
    public Task<ExecuteCommandResult> SendToEveryReplicaAsync(string breaker, string action, CancellationToken cancellationToken) =>
        EveryReplica.SendAsync(
            ReplicaUrls,
            async (replica, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replica, Paths.BreakerCommand(breaker, action)));
                await request.AddAdminKeyAsync(rows.AdminKey, token);
                return await CommandClient.SendAsync(request, token);
            },
            cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var countdown = TickCountdownAsync(stoppingToken);
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (change.Resource == rows.Gateway)
                {
                    await FollowReplicaAsync(change, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        finally
        {
            lock (_lock)
            {
                foreach (var stream in _streams.Values)
                {
                    stream.Stop.Cancel();
                    stream.Stop.Dispose();
                }

                _streams.Clear();
            }
        }

        await countdown;
    }

    // A replica's stream is read while it runs; when it stops (or restarts elsewhere), its reports are forgotten.
    private async Task FollowReplicaAsync(ResourceEvent change, CancellationToken stoppingToken)
    {
        var url = change.Snapshot.State?.Text == KnownResourceStates.Running ? ReplicaUrl(change) : null;
        (long Stream, CancellationTokenSource Stop)? started = null;
        lock (_lock)
        {
            if (_streams.TryGetValue(change.ResourceId, out var current) && current.Url == url)
            {
                return;
            }

            if (current.Stop is not null)
            {
                current.Stop.Cancel();
                current.Stop.Dispose();
                _streams.Remove(change.ResourceId);
                _reports.Close(change.ResourceId, current.Stream);
            }

            if (url is not null)
            {
                started = (_reports.Open(change.ResourceId), CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
                _streams[change.ResourceId] = (url, started.Value.Stream, started.Value.Stop);
            }
        }

        if (started is { } stream)
        {
            _ = ReadStreamAsync(change.ResourceId, url!, stream.Stream, stream.Stop.Token);
        }

        await PublishAsync(rows.Breakers);
    }

    // Each replica listens on its own port (ASPNETCORE_URLS); with one replica, the gateway's endpoint is the same.
    private Uri? ReplicaUrl(ResourceEvent change)
    {
        var urls = change.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
        var own = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal));
        var local = own?.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal);
        if (local is not null && Uri.TryCreate(local, UriKind.Absolute, out var uri))
        {
            return uri;
        }

        return rows.Gateway.GetEndpoint("http") is { IsAllocated: true } endpoint ? new Uri(endpoint.Url) : null;
    }

    private async Task ReadStreamAsync(string replica, Uri url, long stream, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await GatewayStream.ReadAsync(
                    StreamClient, new Uri(url, $"{CircuitBreakerStream.Path}?status=true"), CircuitBreakerStream.SilenceLimit, time, item =>
                        ApplyAsync(replica, stream, item), stop);
            }
            catch (Exception exception) when (!stop.IsCancellationRequested)
            {
                LogStreamBroken(logger, url, exception.Message);
            }

            _reports.Clear(replica, stream);
            await PublishAsync(rows.Breakers);
            await Task.Delay(Reconnect, time, CancellationToken.None);
        }
    }

    private Task ApplyAsync(string replica, long stream, SseItem<string> item)
    {
        switch (item.EventType)
        {
            case CircuitBreakerStream.Snapshot or CircuitBreakerStream.Status:
                var snapshot = JsonSerializer.Deserialize<BreakerSnapshotEvent>(item.Data, JsonSerializerOptions.Web)!;
                return _reports.ReplaceAll(replica, stream, snapshot.Breakers) ? PublishAsync(rows.Breakers) : Task.CompletedTask;
            case CircuitBreakerStream.Transition:
                var transition = JsonSerializer.Deserialize<BreakerTransitionEvent>(item.Data, JsonSerializerOptions.Web)!;
                return _reports.Apply(replica, stream, transition.Breaker)
                    ? PublishAsync(rows.Breakers.Where(b => b.BreakerName == transition.Name))
                    : Task.CompletedTask;
            default:
                return Task.CompletedTask; // a heartbeat: it only proves the stream is alive
        }
    }

    private async Task TickCountdownAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                await PublishAsync(rows.Breakers.Where(b => _reports.IsCountingDown(b.BreakerName)));
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private async Task PublishAsync(IEnumerable<CircuitBreakerResource> breakers)
    {
        foreach (var breaker in breakers.ToList())
        {
            await notifications.PublishUpdateAsync(breaker, _reports.RowUpdate(breaker.BreakerName, time));
        }

        await PublishInstancesAsync();
    }

    // Each stub instance the gateway calls, as the gateway's breakers see it: whether one has it ejected, and until when
    // and why, and their latency estimate of it and its calls in flight. Matched by the address each breaker reports and
    // the instance's allocated endpoint; published only when it changed.
    private async Task PublishInstancesAsync()
    {
        var instances = rows.Gateway.Annotations.OfType<ResourceRelationshipAnnotation>().Select(a => a.Resource).OfType<ProjectResource>();
        foreach (var instance in instances.Distinct())
        {
            if (instance.GetEndpoint("http") is not { IsAllocated: true } http)
            {
                continue;
            }

            var view = _reports.InstanceView(http.Url);
            lock (_lock)
            {
                if (_instanceRows.TryGetValue(instance, out var shown) && shown == view)
                {
                    continue;
                }

                _instanceRows[instance] = view;
            }

            await notifications.PublishUpdateAsync(instance, snapshot => snapshot with
            {
                Properties = snapshot.Properties.With(InstanceProperties.Ejected, view.Ejected).With(InstanceProperties.Estimate, view.Estimate),
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The gateway's transition stream at {Url} broke off ({Error}); reconnecting")]
    private static partial void LogStreamBroken(ILogger logger, Uri url, string error);
}
