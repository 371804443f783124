using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// What service discovery asks for one service's endpoints: the service's <see cref="DnsSrvList"/>, which outlives this
/// provider. Service discovery disposes a watcher (and its providers) that no call used for a while; the list, its last
/// good answer and its refresh loop stay with the factory, so the next call finds them as they were.
/// </summary>
internal sealed partial class DnsSrvEndpointProvider(DnsSrvList list, ILogger logger) : IServiceEndpointProvider
{
    public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken) =>
        endpoints.Endpoints.Count != 0
            ? ValueTask.CompletedTask // configuration that names the service's addresses comes first, and wins
            : list.PopulateAsync(endpoints, cancellationToken);

    public ValueTask DisposeAsync()
    {
        LogLetGo(logger, list.RecordName);
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"DNS SRV {list.RecordName}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Record}: service discovery let its provider go; the list and its refresh stay.")]
    private static partial void LogLetGo(ILogger logger, string record);
}
