using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Hedging;

/// <summary>
/// Which reads go through the hedging at all, decided at the read's start: a hedge goes to another instance, so none while
/// the service has one instance in rotation, and a request with a body is never copied.
/// </summary>
public sealed class HedgeableReadTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new(new FakeTimeProvider(), new Dictionary<string, string?>
    {
        ["services:user-service:http:0"] = "http://localhost:3001",
        ["services:user-service:http:1"] = "http://localhost:3011",
        ["services:order-service:http:0"] = "http://localhost:3002",
        ["CircuitBreaker:Services:user-service:HedgeDelay"] = "00:00:00.100",
        ["CircuitBreaker:Services:order-service:HedgeDelay"] = "00:00:00.100",
    });

    [Fact]
    public async Task AServiceWithOneInstanceInRotation_HasNoReadToHedge_OneWithTwo_Has()
    {
        // One answered read of each, so that each service's records know its instances.
        _pipeline.Answer(() => ClientPipeline.Json("""{"id":"1","name":"Ada","email":"a@example.com"}"""));
        (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        _pipeline.Answer(() => ClientPipeline.Json("[]"));
        (await _pipeline.Client.GetAsync("http://order-service/orders/user/1")).EnsureSuccessStatusCode();

        Assert.False(CanHedge("order-service", new HttpRequestMessage(HttpMethod.Get, "http://order-service/orders/user/1")));
        Assert.True(CanHedge("user-service", new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1")));
    }

    [Fact]
    public void ARequestWithABody_IsNeverHedged()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1") { Content = new StringContent("{}") };

        Assert.False(CanHedge("user-service", request));
    }

    public void Dispose() => _pipeline.Dispose();

    private bool CanHedge(string service, HttpRequestMessage request) =>
        _pipeline.Registry.Guard(CircuitBreakerKey.FromName(service)).Hedges!.CanHedge(request);
}
