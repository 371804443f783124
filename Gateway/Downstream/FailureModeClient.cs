using System.Net.Http.Json;
using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.HttpClients;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Switches a stub service's failure mode for <c>/simulate-failure</c>: on every instance of the service, or on one.
/// A control-plane call: it carries the gateway's admin key, bypasses the service's breaker (so recovery works while the
/// circuit is open) and is pinned to its instance (so it neither asks the endpoint records nor counts in them).
/// </summary>
public sealed class FailureModeClient(HttpClient http, ServiceInstances instances, IConfiguration configuration)
{
    /// <summary>
    /// PUTs the mode to instance <paramref name="instance"/> of the service (1-based; <see cref="ServiceNames.Instance"/>)
    /// or, when null, to every instance. Returns the answer as it was given, the first one that is not a success if
    /// any; null when the service has no such instance.
    /// </summary>
    public async Task<ServiceAnswer?> SetAsync(string service, int? instance, FailureMode mode, CancellationToken cancellationToken)
    {
        var addresses = await instances.AddressesAsync(DownstreamClientsExtensions.BaseAddress(service), cancellationToken);
        if (instance > addresses.Count)
        {
            return null;
        }

        IEnumerable<Uri> targets = instance is { } one ? [addresses[one - 1]] : addresses;
        var answers = await Task.WhenAll(targets.Select(address => SetOneAsync(service, address, mode, cancellationToken)));
        return answers.FirstOrDefault(a => a.StatusCode is < 200 or > 299) ?? answers[0];
    }

    private async Task<ServiceAnswer> SetOneAsync(string service, Uri address, FailureMode mode, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(DownstreamClientsExtensions.BaseAddress(service), Paths.FailureMode))
        {
            Content = JsonContent.Create(mode),
        };
        request.Headers.Add(HeaderNames.AdminKey, configuration[Settings.AdminKey]);
        CircuitBreakerRoute.Bypass(request);
        ServiceInstances.Pin(request, address);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ServiceAnswer.ReadAsync(response, cancellationToken);
    }
}
