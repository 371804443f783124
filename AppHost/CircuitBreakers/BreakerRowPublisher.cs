using System.Net.ServerSentEvents;
using System.Text.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.AppHost.CircuitBreakers;

/// <summary>
/// Feeds the breakers' rows from the gateway: one <c>/circuit-breakers/stream</c> per running gateway replica, pushed
/// (not polled) as each change happens, and a countdown to the next probe ticked here each second. When the gateway
/// stops, the rows say so; when it comes back, its stream is read again.
/// </summary>
internal sealed partial class BreakerRowPublisher(
    BreakerRows rows, ResourceNotificationService notifications, TimeProvider time, ILogger<BreakerRowPublisher> logger) : BackgroundService
{
    private static readonly HttpClient StreamClient = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly HttpClient CommandClient = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, BreakerSummary>> _reports = [];
    private readonly Dictionary<string, (Uri Url, CancellationTokenSource Stop)> _streams = [];

    /// <summary>Sends a control-plane POST (isolate, reset) for one breaker to every running gateway replica.</summary>
    public async Task<ExecuteCommandResult> SendToEveryReplicaAsync(string breaker, string action, CancellationToken cancellationToken)
    {
        Uri[] replicas;
        lock (_lock)
        {
            replicas = [.. _streams.Values.Select(s => s.Url)];
        }

        if (replicas.Length == 0)
        {
            return CommandResults.Failure("The gateway is not running.");
        }

        foreach (var replica in replicas)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replica, Paths.BreakerCommand(breaker, action)));
            await request.AddAdminKeyAsync(rows.AdminKey, cancellationToken);
            using var response = await CommandClient.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return CommandResults.Failure($"{replica} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        return CommandResults.Success();
    }

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
        CancellationTokenSource? started = null;
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
                _reports.Remove(change.ResourceId);
            }

            if (url is not null)
            {
                started = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _streams[change.ResourceId] = (url, started);
            }
        }

        if (started is not null)
        {
            _ = ReadStreamAsync(change.ResourceId, url!, started.Token);
        }

        await PublishAsync(rows.Breakers);
    }

    // Each replica listens on its own port (ASPNETCORE_URLS); with one replica, the gateway's endpoint is the same.
    private Uri? ReplicaUrl(ResourceEvent change)
    {
        var urls = change.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
        var own = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal));
        if (own is not null && Uri.TryCreate(own.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return uri;
        }

        return rows.Gateway.GetEndpoint("http") is { IsAllocated: true } endpoint ? new Uri(endpoint.Url) : null;
    }

    private async Task ReadStreamAsync(string replica, Uri url, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await StreamClient.GetAsync(new Uri(url, $"{CircuitBreakerStream.Path}?status=true"), HttpCompletionOption.ResponseHeadersRead, stop);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(stop);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(stop))
                {
                    await ApplyAsync(replica, item);
                }
            }
            catch (Exception exception) when (!stop.IsCancellationRequested)
            {
                LogStreamBroken(logger, url, exception.Message);
            }

            lock (_lock)
            {
                _reports.Remove(replica);
            }

            await PublishAsync(rows.Breakers);
            await Task.Delay(Reconnect, time, CancellationToken.None);
        }
    }

    private Task ApplyAsync(string replica, SseItem<string> item)
    {
        switch (item.EventType)
        {
            case CircuitBreakerStream.Snapshot or CircuitBreakerStream.Status:
                var snapshot = JsonSerializer.Deserialize<BreakerSnapshotEvent>(item.Data, JsonSerializerOptions.Web)!;
                lock (_lock)
                {
                    _reports[replica] = snapshot.Breakers.ToDictionary(b => b.Name);
                }

                return PublishAsync(rows.Breakers);
            case CircuitBreakerStream.Transition:
                var transition = JsonSerializer.Deserialize<BreakerTransitionEvent>(item.Data, JsonSerializerOptions.Web)!;
                lock (_lock)
                {
                    var reports = _reports.TryGetValue(replica, out var known) ? known : _reports[replica] = [];
                    if (!reports.TryGetValue(transition.Name, out var previous) || previous.Sequence <= transition.Breaker.Sequence)
                    {
                        reports[transition.Name] = transition.Breaker;
                    }
                }

                return PublishAsync(rows.Breakers.Where(b => b.BreakerName == transition.Name));
            default:
                return Task.CompletedTask;
        }
    }

    private async Task TickCountdownAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                List<CircuitBreakerResource> counting;
                lock (_lock)
                {
                    counting = [.. rows.Breakers.Where(b => _reports.Values.Any(r => r.GetValueOrDefault(b.BreakerName)?.NextAttempt is not null))];
                }

                await PublishAsync(counting);
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private async Task PublishAsync(IEnumerable<CircuitBreakerResource> breakers)
    {
        foreach (var breaker in breakers)
        {
            List<BreakerSummary> reports;
            lock (_lock)
            {
                reports = [.. _reports.Values.Select(r => r.GetValueOrDefault(breaker.BreakerName)).OfType<BreakerSummary>()];
            }

            var now = time.GetUtcNow();
            await notifications.PublishUpdateAsync(breaker, snapshot => BreakerRowSnapshot.Update(snapshot, reports, now));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The gateway's transition stream at {Url} broke off ({Error}); reconnecting")]
    private static partial void LogStreamBroken(ILogger logger, Uri url, string error);
}
