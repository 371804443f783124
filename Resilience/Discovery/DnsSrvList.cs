using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// One SRV record's list of endpoints, kept for as long as the process runs (the factory holds it): asked again every
/// refresh period in the background, so that no call waits on DNS after the first answer, and held through service
/// discovery's disposal of an idle watcher, which would otherwise take the last good list and the loop with it. A list
/// that cannot be resolved (no answer, an error of any kind, no record) keeps the last good one, and the log says why.
/// </summary>
internal sealed partial class DnsSrvList : IAsyncDisposable
{
    private readonly string _serviceName;
    private readonly string _recordName;
    private readonly Func<string, CancellationToken, Task<IReadOnlyList<SrvLookup.Pod>>> _resolve;
    private readonly TimeSpan _refreshPeriod;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Task? _refreshing;
    private int _disposed;
    private IReadOnlyList<ServiceEndpoint> _endpoints = [];
    private string _listed = "";
    private CancellationTokenSource _listChanged = new();

    public DnsSrvList(
        string serviceName, string recordName, Func<string, CancellationToken, Task<IReadOnlyList<SrvLookup.Pod>>> resolve,
        TimeSpan refreshPeriod, TimeProvider timeProvider, ILogger logger)
    {
        (_serviceName, _recordName, _resolve) = (serviceName, recordName, resolve);
        (_refreshPeriod, _timeProvider, _logger) = (refreshPeriod, timeProvider, logger);
    }

    /// <summary>The record asked for, as in <c>_http._tcp.payment-service</c>.</summary>
    public string RecordName => _recordName;

    /// <summary>
    /// Adds the endpoints of the last good answer, and a change token for the next change: the first time, once DNS has
    /// answered (or failed to), which starts the refresh loop; after that, at once.
    /// </summary>
    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // disposed already: a second dispose does nothing
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refreshing is { } refreshing)
        {
            await refreshing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task RefreshAsync()
    {
        using var period = new PeriodicTimer(_refreshPeriod, _timeProvider);
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
            pods = await _resolve(_recordName, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // Whatever DnsClient or the address lookup throws (a parse error, a mismatched id, an odd target): logged
            // with its type, the last good list kept, and the loop goes on. Only the process's stop ends it.
            LogKept(_logger, _serviceName, _recordName, $"{exception.GetType().Name}: {exception.Message}", _endpoints.Count);
            return;
        }

        if (pods.Count == 0)
        {
            LogKept(_logger, _serviceName, _recordName, "no SRV record", _endpoints.Count);
            return;
        }

        var listed = string.Join(
            ", ", pods.Select(pod => $"{pod.Name} ({string.Join(" ", pod.Addresses.Select(a => new IPEndPoint(a, pod.Port)))})"));
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

        LogListed(_logger, _serviceName, pods.Count, listed);
        changed.Cancel();
        changed.Dispose();
    }

    private static ServiceEndpoint EndpointOf(SrvLookup.Pod pod, IPAddress address)
    {
        var features = new FeatureCollection();
        features.Set<IHostNameFeature>(new PodName(pod.Name));
        return ServiceEndpoint.Create(new IPEndPoint(address, pod.Port), features);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Service}: DNS lists {Count} endpoints: {Endpoints}.")]
    private static partial void LogListed(ILogger logger, string service, int count, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: DNS did not list {Record} ({Reason}); keeping the last good list of {Count} "
        + "endpoints.")]
    private static partial void LogKept(ILogger logger, string service, string record, string reason, int count);
}
