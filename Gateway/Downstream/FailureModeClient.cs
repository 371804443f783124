using System.Net.Http.Json;
using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Switches a stub service's failure mode for <c>/simulate-failure</c>. A control-plane call: it carries the
/// gateway's admin key and bypasses the service's breaker, so recovery works while the circuit is open.
/// </summary>
public sealed class FailureModeClient(HttpClient http, IConfiguration configuration)
{
    /// <summary>PUTs the mode to the service; returns its answer as it gave it.</summary>
    public async Task<ServiceAnswer> SetAsync(string service, FailureMode mode, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(DownstreamClientsExtensions.BaseAddress(service), Paths.FailureMode))
        {
            Content = JsonContent.Create(mode),
        };
        request.Headers.Add(HeaderNames.AdminKey, configuration[Settings.AdminKey]);
        CircuitBreakerRoute.Bypass(request);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ServiceAnswer.ReadAsync(response, cancellationToken);
    }
}
