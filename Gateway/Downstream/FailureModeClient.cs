using System.Net.Http.Json;
using System.Text.Json;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.FailureInjection;
using CircuitDemo.ServiceDefaults.Security;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Switches a stub service's failure mode for <c>/simulate-failure</c>. A control-plane call: it carries the
/// gateway's admin key and bypasses the service's breaker, so recovery works while the circuit is open.
/// </summary>
public sealed class FailureModeClient(HttpClient http, IConfiguration configuration)
{
    /// <summary>PUTs the mode to the service; returns its status and body unchanged.</summary>
    public async Task<(int StatusCode, JsonElement? Body, string? ContentType)> SetAsync(string service, FailureMode mode, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(ServiceNames.BaseAddress(service), "/failure-mode"))
        {
            Content = JsonContent.Create(mode),
        };
        request.Headers.Add(AdminKey.HeaderName, configuration[AdminKey.ConfigurationKey]);
        request.Options.Set(CircuitBreakerHandler.BypassKey, true);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return ((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }
}
