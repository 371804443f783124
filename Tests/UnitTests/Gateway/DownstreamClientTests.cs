using System.Net.Http.Json;
using CircuitDemo.Gateway.Downstream;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Gateway;

/// <summary>A dashboard section always comes back, live or as its fallback: no exception from below it escapes as a 500.</summary>
public class DownstreamClientTests
{
    public static TheoryData<Exception, string> Failures => new()
    {
        { new HttpRequestException("refused"), "fallback:unavailable" },
        { new HttpRequestException("500", null, System.Net.HttpStatusCode.InternalServerError), "fallback:error" },
        { new TimeoutRejectedException(), "fallback:timeout" },
        { new Polly.RateLimiting.RateLimiterRejectedException(), "fallback:overloaded" },
        { new CircuitBreakerRejectedException("user-service", CircuitState.Open, null), "fallback:circuit-open" },
        { new InvalidOperationException("a defect of the gateway, or a library's check the validator missed"), "fallback:error" },
        { new NullReferenceException(), "fallback:error" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task GetUser_AnyExceptionBelow_ServesTheFallbackWithItsReason(Exception failure, string reason)
    {
        using var http = new HttpClient(new StubHandler((_, _) => Task.FromException<HttpResponseMessage>(failure))) { BaseAddress = new Uri("http://user-service") };
        var users = new UserServiceClient(http, NullLogger<UserServiceClient>.Instance);

        var (user, source) = await users.GetUserAsync("42", CancellationToken.None);

        Assert.Equal((reason, Fallbacks.User("42")), (source, user));
    }

    [Fact]
    public async Task CreatePayment_SendsTheKey_AndARequestIdOfItsOwn_ToNoInstanceInParticular()
    {
        var sent = new List<(string Key, string RequestId, bool Pinned)>();
        var handler = new StubHandler((request, _) =>
        {
            sent.Add((request.Headers.GetValues(HeaderNames.IdempotencyKey).Single(), request.Headers.GetValues(HeaderNames.RequestId).Single(), ServiceInstances.PinnedOf(request) is not null));
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Created));
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://payment-service") };
        var payments = new PaymentServiceClient(http, NullLogger<PaymentServiceClient>.Instance);

        await payments.CreatePaymentAsync("user-7", "key-1", new CircuitDemo.Contracts.PaymentRequest(12.5m, "EUR"), CancellationToken.None);
        await payments.CreatePaymentAsync("user-7", "key-1", new CircuitDemo.Contracts.PaymentRequest(12.5m, "EUR"), CancellationToken.None);

        Assert.All(sent, s => Assert.Equal(("key-1", false), (s.Key, s.Pinned)));
        Assert.NotEqual(sent[0].RequestId, sent[1].RequestId);
    }

    [Fact]
    public async Task GetUser_GatewaysOwnCallerCancelled_PropagatesTheCancellation()
    {
        using var caller = new CancellationTokenSource();
        var handler = new StubHandler((_, _) =>
        {
            caller.Cancel();
            return Task.FromException<HttpResponseMessage>(new TaskCanceledException());
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://user-service") };
        var users = new UserServiceClient(http, NullLogger<UserServiceClient>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => users.GetUserAsync("42", caller.Token));
    }
}

/// <summary>What the pipeline read travels forward on the response, and is used as it was read.</summary>
public class UsableJsonContentTests
{
    [Fact]
    public async Task GetUsableJson_ClientWithoutThePipeline_IsAClearError_NotAnUncheckedValue()
    {
        using var http = new HttpClient(new StubHandler((_, _) => Task.FromResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => http.GetUsableJsonAsync<CircuitDemo.Contracts.User>("http://user-service/users/1", CancellationToken.None));

        Assert.Contains("nothing checked this answer", error.Message);
    }

    [Fact]
    public async Task GetUsableJson_ThroughThePipeline_ReturnsTheValueTheResponseCarries()
    {
        using var pipeline = new ClientPipeline();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://user-service/users/1").ExpectJson<CircuitDemo.Contracts.User>();

        using var response = await pipeline.Client.SendAsync(request);

        var usable = Assert.IsType<UsableJsonContent>(response.Content);
        Assert.Equal(new CircuitDemo.Contracts.User("1", "Ada", "ada@example.com"), usable.Value);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Ada", (await response.Content.ReadFromJsonAsync<CircuitDemo.Contracts.User>())!.Name); // the bytes still read
    }

    [Fact]
    public async Task ServiceAnswer_OfACheckedAnswer_IsTheJsonThePipelineRead_NotParsedAgain()
    {
        // Bytes that are not JSON at all beside the JSON the pipeline parsed: only an answer read again would see them.
        using var original = new StringContent("", System.Text.Encoding.UTF8, "application/json");
        var json = System.Text.Json.JsonDocument.Parse("""{"id":"p1"}""").RootElement.Clone();
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Created)
        {
            Content = new UsableJsonContent("not json"u8.ToArray(), json, new object(), original),
        };

        var answer = await ServiceAnswer.ReadAsync(response, CancellationToken.None);

        Assert.Equal((201, """{"id":"p1"}""", "application/json"), (answer.StatusCode, answer.Body?.GetRawText(), answer.ContentType));
    }
}
