using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CircuitDemo.ServiceDefaults.HttpClients;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// The pipeline with three instances of user-service in service discovery's configuration: each attempt goes to one
/// of them, chosen by the breaker's endpoint records, and a retried read goes to another.
/// </summary>
public sealed class EndpointSelectionTests : IDisposable
{
    private const string First = "http://localhost:3001";
    private const string Second = "http://localhost:3011";
    private const string Third = "http://localhost:3021";

    private readonly ClientPipeline _pipeline = new(configuration: new()
    {
        ["services:user-service:http:0"] = First,
        ["services:user-service:http:1"] = Second,
        ["services:user-service:http:2"] = Third,
        ["CircuitBreaker:Services:user-service:FailureThreshold"] = "2",
    });

    [Fact]
    public async Task Status_ListsEveryEndpointServiceDiscoveryResolved_InItsOrder()
    {
        (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();

        Assert.Equal([First, Second, Third], _pipeline.Status("user-service").Endpoints.Select(e => e.Address));
    }

    [Fact]
    public async Task FailedRead_IsRetriedOnAnotherEndpoint()
    {
        for (var i = 0; i < 30; i++)
        {
            _pipeline.Answer(HttpStatusCode.InternalServerError);
            (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        }

        var addresses = _pipeline.Stub.Addresses;
        Assert.Equal(60, addresses.Count);
        Assert.All(addresses.Chunk(2), attempts => Assert.NotEqual(attempts[0], attempts[1]));
    }

    [Fact]
    public async Task OneInstanceAnswering500_IsEjected_EveryReadSucceeds_AndTheServiceBreakerStaysClosed()
    {
        for (var i = 0; i < 100; i++)
        {
            _pipeline.Answer((request, _) => Task.FromResult(
                request.RequestUri!.GetLeftPart(UriPartial.Authority) == Second
                    ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
                    : ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}""")));
            (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        }

        var status = _pipeline.Status("user-service");
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Empty(status.StateChanges);
        var second = status.Endpoints[1];
        Assert.Equal((EndpointState.Ejected, 3L), (second.State, second.FailedRequests));
        Assert.Equal(3, _pipeline.Stub.Addresses.Count(a => a == Second));
    }

    [Fact]
    public async Task ControlPlaneCall_PinnedToAnInstance_GoesThere_AndLeavesTheRecordsAlone()
    {
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "http://user-service/failure-mode");
            CircuitBreakerRoute.Bypass(request);
            ServiceInstances.Pin(request, new Uri(Third));
            (await _pipeline.Client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        Assert.All(_pipeline.Stub.Addresses, address => Assert.Equal(Third, address));
        Assert.Empty(_pipeline.Status("user-service").Endpoints);
    }

    [Fact]
    public async Task CallsInFlight_NoneIsSentToTheInstanceThatHangs_OnceItHoldsMoreThanTheOthers()
    {
        var hung = new TaskCompletionSource();
        _pipeline.Answer(async (request, token) =>
        {
            hung.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var cancel = new CancellationTokenSource();
        var hanging = _pipeline.Client.GetAsync("http://user-service/users/1", cancel.Token);
        await hung.Task;
        var hungAddress = _pipeline.Stub.Addresses.Single();

        for (var i = 0; i < 50; i++)
        {
            (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        }

        Assert.Equal(1, _pipeline.Stub.Addresses.Count(a => a == hungAddress));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
        Assert.All(_pipeline.Status("user-service").Endpoints, e => Assert.Equal(0, e.InFlightRequests));
    }

    public void Dispose() => _pipeline.Dispose();
}
