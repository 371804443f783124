using System.Net;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// The attempt through the whole pipeline, with three instances of user-service and of payment-service in service
/// discovery's configuration: each attempt goes to one of them, chosen by the breaker's endpoint records; a retried read
/// goes to another, and so does a retried payment; whatever happens, the lease is settled and the
/// permit completed once.
/// </summary>
public sealed class AttemptTests : IDisposable
{
    private const string First = "http://localhost:3001";
    private const string Second = "http://localhost:3011";
    private const string Third = "http://localhost:3021";

    private readonly ClientPipeline _pipeline = new(configuration: Configuration());

    private static Dictionary<string, string?> Configuration() => new()
    {
        ["services:user-service:http:0"] = First,
        ["services:user-service:http:1"] = Second,
        ["services:user-service:http:2"] = Third,
        ["services:payment-service:http:0"] = "http://localhost:3003",
        ["services:payment-service:http:1"] = "http://localhost:3013",
        ["services:payment-service:http:2"] = "http://localhost:3023",
        ["CircuitBreaker:Services:user-service:FailureThreshold"] = "2",
        // No attempt here may end by its timeout: a hung call stays in flight until the test cancels it, however slowly
        // the machine runs the calls around it.
        ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "01:00:00",
        ["CircuitBreaker:Services:payment-service:Write:FailureThreshold"] = "10",
    };

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
    public async Task OneInstanceAnswering500_GetsHardlyAnyCalls_EveryReadSucceeds_AndTheServiceBreakerStaysClosed()
    {
        for (var i = 0; i < 100; i++)
        {
            _pipeline.Answer((request, _) => Task.FromResult(
                request.RequestUri!.GetLeftPart(UriPartial.Authority) == Second
                    ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
                    : ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}""")));
            (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
        }

        // Its first failure is charged as a whole attempt timeout: the choice of two sends it nothing more while the
        // others answer in milliseconds; had it more calls, its third failure in a row would eject it.
        var status = _pipeline.Status("user-service");
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Empty(status.StateChanges);
        Assert.InRange(_pipeline.Stub.Addresses.Count(a => a == Second), 1, 3);
        Assert.Equal(_pipeline.Stub.Addresses.Count(a => a == Second), status.Endpoints[1].FailedRequests);
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
        Assert.All(_pipeline.Status("user-service").Endpoints, e => Assert.Equal(0, e.InFlight));
    }

    [Fact]
    public async Task Status_NamesEveryEndpointAsTheAppHostNamesItsResources()
    {
        (await _pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();

        Assert.Equal(["user-service", "user-service-2", "user-service-3"], _pipeline.Status("user-service").Endpoints.Select(e => e.Name));
    }

    // With the client factory's logging handlers the null answer fails inside the call; without them it reaches the
    // verdict itself, which cannot classify it: either way the attempt settles its lease and completes its permit.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HandlerGivesNoResponse_TheLeaseIsSettledAndThePermitCompletedAsAFailure_AndTheErrorReachesTheCaller(bool httpLogging)
    {
        using var pipeline = new ClientPipeline(configuration: Configuration(), httpLogging: httpLogging);
        pipeline.Answer((_, _) => Task.FromResult<HttpResponseMessage>(null!));
        pipeline.Answer((_, _) => Task.FromResult<HttpResponseMessage>(null!));

        await Assert.ThrowsAnyAsync<Exception>(() => pipeline.Client.GetAsync("http://user-service/users/1"));

        // Both attempts (the read is retried once: an unexpected error failed fast).
        var status = pipeline.Status("user-service");
        Assert.Equal((0L, 2L), (status.InFlightRequests, status.FailedRequests));
        Assert.Equal(0, status.Endpoints.Sum(e => e.InFlight));
        Assert.Equal(2, status.Endpoints.Sum(e => e.FailedRequests));
    }

    [Fact]
    public async Task Payments_GoToEveryInstance_AsReadsDo()
    {
        for (var i = 0; i < 30; i++)
        {
            _pipeline.Answer(HttpStatusCode.Created);
            await _pipeline.Client.SendAsync(Payment("user-7", $"key-{i}"));
        }

        Assert.Equal(3, _pipeline.Stub.Addresses.Distinct().Count());
    }

    [Fact]
    public async Task Payment_RetriedAfterA5xx_GoesToAnotherInstance()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.Created);

        var response = await _pipeline.Client.SendAsync(Payment("user-7", "key-1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Addresses.Distinct().Count());
    }

    private static HttpRequestMessage Payment(string userId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://payment-service/payments/user/{userId}");
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return request;
    }

    public void Dispose() => _pipeline.Dispose();
}
