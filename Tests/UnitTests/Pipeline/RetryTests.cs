using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>The read retry and the write retry: when once, when never, and with what.</summary>
public sealed class RetryTests : IDisposable
{
    private readonly ClientPipeline _pipeline = new();

    [Fact]
    public async Task Read_FailsOnce_IsRetriedOnceAndBothAttemptsCount()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        var response = await _pipeline.Client.GetAsync("http://user-service/users/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
        var status = _pipeline.Status("user-service");
        Assert.Equal((1L, 1L), (status.FailedRequests, status.SuccessfulRequests));
    }

    [Fact]
    public async Task Read_FailsTwice_IsRetriedOnlyOnce()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.OK);

        var response = await _pipeline.Client.GetAsync("http://order-service/orders/user/1");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
    }

    [Fact]
    public async Task Write_FailsTwice_IsRetriedOnlyOnce_AndBothAttemptsCount()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);
        _pipeline.Answer(HttpStatusCode.BadGateway);

        var response = await _pipeline.Client.SendAsync(Payment("key-1"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(2, _pipeline.Stub.Calls);
        Assert.Equal(2, _pipeline.Status("payment-service:write").FailedRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Write_Answered4xx_IsNeverRetried(HttpStatusCode status)
    {
        _pipeline.Answer(status);

        var response = await _pipeline.Client.SendAsync(Payment("key-1"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, _pipeline.Stub.Calls);
    }

    [Fact]
    public async Task Write_WithoutAnIdempotencyKey_IsNeverRetried()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        var response = await _pipeline.Client.PostAsync("http://payment-service/payments/user/1", content: null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Equal(1, _pipeline.Status("payment-service:write").FailedRequests);
    }

    [Fact]
    public async Task Write_WithoutAnAnswer_IsRetriedOnce_WithTheSameKeyAndRequestId()
    {
        var sent = new List<(string Key, string RequestId)>();
        (string, string) Headers(HttpRequestMessage request) =>
            (request.Headers.GetValues(HeaderNames.IdempotencyKey).Single(), request.Headers.GetValues(HeaderNames.RequestId).Single());
        _pipeline.Answer((request, _) =>
        {
            sent.Add(Headers(request));
            return Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"));
        });
        _pipeline.Answer((request, _) =>
        {
            sent.Add(Headers(request));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
        });
        using var payment = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1");
        payment.Headers.Add(HeaderNames.IdempotencyKey, "key-1");
        payment.Headers.Add(HeaderNames.RequestId, "call-1");

        var response = await _pipeline.Client.SendAsync(payment);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([("key-1", "call-1"), ("key-1", "call-1")], sent);
    }

    public void Dispose() => _pipeline.Dispose();

    private static HttpRequestMessage Payment(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1");
        request.Headers.Add(HeaderNames.IdempotencyKey, key);
        return request;
    }
}
