using System.Net;
using DnsClient;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.ServiceDefaults.Discovery;

/// <summary>
/// One service's endpoints, as DNS lists them: the SRV records of <c>_http._tcp.{service}</c>, each a pod's name and its
/// port, with the pod's addresses. Asked again every refresh period in the background, so that no call ever waits on
/// DNS after the first; service discovery hears of a new list through its change token only when the list changed.
/// A list that cannot be resolved (no answer, an error, no record) keeps the last good one, and the log says so.
/// </summary>
internal sealed partial class DnsSrvEndpointProvider(
    string serviceName,
    string recordName,
    SrvLookup lookup,
    TimeSpan refreshPeriod,
    TimeProvider timeProvider,
    ILogger logger) : IServiceEndpointProvider
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Task? _refreshing;
    private IReadOnlyList<ServiceEndpoint> _endpoints = [];
    private string _listed = "";
    private CancellationTokenSource _listChanged = new();

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        // Configuration that names the service's addresses comes first, and wins.
        if (endpoints.Endpoints.Count != 0)
        {
            return;
        }

        lock (_lock)
        {
            _refreshing ??= RefreshAsync();
        }

        await _firstAnswer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var endpoint in _endpoints)
            {
                endpoints.Endpoints.Add(endpoint);
            }

            endpoints.AddChangeToken(new CancellationChangeToken(_listChanged.Token));
        }
    }

    private async Task RefreshAsync()
    {
        using var period = new PeriodicTimer(refreshPeriod, timeProvider);
        try
        {
            do
            {
                await ResolveAsync().ConfigureAwait(false);
                _firstAnswer.TrySetResult();
            }
            while (await period.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _firstAnswer.TrySetResult();
        }
    }

    private async Task ResolveAsync()
    {
        IReadOnlyList<SrvLookup.Pod> pods;
        try
        {
            pods = await lookup.ResolveAsync(recordName, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DnsResponseException or System.Net.Sockets.SocketException or TimeoutException)
        {
            LogKept(logger, serviceName, recordName, exception.Message, _endpoints.Count);
            return;
        }

        if (pods.Count == 0)
        {
            LogKept(logger, serviceName, recordName, "no SRV record", _endpoints.Count);
            return;
        }

        var listed = string.Join(", ", pods.Select(pod => $"{pod.Name} ({string.Join(" ", pod.Addresses.Select(a => new IPEndPoint(a, pod.Port)))})"));
        if (listed == _listed)
        {
            return;
        }

        var endpoints = pods.SelectMany(pod => pod.Addresses.Select(address => EndpointOf(pod, address))).ToArray();
        CancellationTokenSource changed;
        lock (_lock)
        {
            (_endpoints, _listed) = (endpoints, listed);
            (changed, _listChanged) = (_listChanged, new CancellationTokenSource());
        }

        LogListed(logger, serviceName, pods.Count, listed);
        changed.Cancel();
        changed.Dispose();
    }

    private static ServiceEndpoint EndpointOf(SrvLookup.Pod pod, IPAddress address)
    {
        var features = new FeatureCollection();
        features.Set<IHostNameFeature>(new PodName(pod.Name));
        return ServiceEndpoint.Create(new IPEndPoint(address, pod.Port), features);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refreshing is { } refreshing)
        {
            await refreshing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    public override string ToString() => $"DNS SRV {recordName}";

    [LoggerMessage(Level = LogLevel.Information, Message = "{Service}: DNS lists {Count} endpoints: {Endpoints}.")]
    private static partial void LogListed(ILogger logger, string service, int count, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: DNS did not list {Record} ({Reason}); keeping the last good list of {Count} endpoints.")]
    private static partial void LogKept(ILogger logger, string service, string record, string reason, int count);
}
