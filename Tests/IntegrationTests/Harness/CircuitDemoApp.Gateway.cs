using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.IntegrationTests;

/// <summary>The gateway driver: admin requests, failure modes, the breakers' status, the dashboard and the heap, as a client reads them.</summary>
public partial class CircuitDemoApp
{
    /// <summary>A request carrying the admin key.</summary>
    public static HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(HeaderNames.AdminKey, AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Sets a service's failure mode directly on the service.</summary>
    public async Task SetFailureModeAsync(string service, FailureMode mode)
    {
        using var client = CreateClient(service);
        using var request = Admin(HttpMethod.Put, Paths.FailureMode, mode);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<BreakerView>> BreakersAsync() =>
        (await Gateway.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers;

    public async Task<BreakerView> BreakerAsync(string name) => (await BreakersAsync()).Single(b => b.Name == name);

    public async Task<long> BusinessRequestsAsync(string service)
    {
        using var client = CreateClient(service);
        return (await client.GetFromJsonAsync<ServiceStats>(Paths.Stats))!.BusinessRequests;
    }

    /// <summary>The gateway's heap after a full collection (<c>POST /diagnostics/gc</c>, admin key).</summary>
    public async Task<HeapView> HeapAsync()
    {
        using var request = Admin(HttpMethod.Post, Paths.DiagnosticsGc);
        var response = await Gateway.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HeapView>())!;
    }

    public async Task<DashboardView> DashboardAsync(string userId)
    {
        var response = await Gateway.GetAsync($"{Paths.UserDashboard}/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!;
    }
}
