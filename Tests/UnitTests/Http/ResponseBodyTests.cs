using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Http;

/// <summary>
/// Faults that arrive after the headers: each is the failure it is, counted by the breaker, whatever the status said.
/// Reads go through <see cref="UsableJsonExtensions.GetUsableJsonAsync{T}"/>, as the gateway's do.
/// </summary>
public sealed class ResponseBodyTests : IDisposable
{
    private const string UserPath = "http://payment-service/users/1";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2.5); // payment-service's, in ClientPipeline

    // Where time matters the test drives a fake clock; elsewhere the read retry's 50 ms delay runs on the real one.
    private readonly FakeTimeProvider _clock = new(TestBreakers.Start);
    private readonly ClientPipeline _pipeline = new();
    private readonly ClientPipeline _timed;

    public ResponseBodyTests() => _timed = new ClientPipeline(_clock);

    [Fact]
    public async Task UsableJson_IsParsedInsideThePipelineAndCountsAsSuccess()
    {
        var user = await _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None);

        Assert.Equal(new User("1", "Ada", "ada@example.com"), user);
        Assert.Equal(1, _pipeline.Status("payment-service").SuccessfulRequests);
    }

    [Fact]
    public async Task CheckedAnswer_CanStillBeReadByTheCaller()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/1").ExpectJson<Payment>();
        _pipeline.Answer(() => ClientPipeline.Json("""{"id":"p1","amount":12.5,"currency":"EUR","status":"completed"}"""));

        using var response = await _pipeline.Client.SendAsync(request);

        Assert.Equal(new Payment("p1", 12.5m, "EUR", "completed"), await response.Content.ReadFromJsonAsync<Payment>());
    }

    [Fact]
    public async Task BodyStalls_IsAnAttemptTimeout_CountedAndNotRetried()
    {
        _timed.Answer(StubBodies.Stalling);

        var call = _timed.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None);
        await _timed.StubEntered;
        _clock.Advance(AttemptTimeout);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        AssertFailures(_timed, 1);
        Assert.Equal(1, _timed.Stub.Calls);
    }

    [Fact]
    public async Task BodyTricklesPastTheAttemptTimeout_IsAnAttemptTimeout()
    {
        using var waiting = new SemaphoreSlim(0);
        _timed.Answer(() => StubBodies.Trickling(_clock, TimeSpan.FromMilliseconds(100), waiting));

        var call = _timed.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None);
        var elapsed = TimeSpan.Zero;
        while (await Task.WhenAny(call, waiting.WaitAsync()) != call)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100)); // a byte arrives every 100 ms: never idle, never done in time
            elapsed += TimeSpan.FromMilliseconds(100);
        }

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.InRange(elapsed, AttemptTimeout, AttemptTimeout + TimeSpan.FromMilliseconds(100)); // 25 bytes had arrived
        AssertFailures(_timed, 1);
    }

    [Fact]
    public async Task BodyCutOff_IsAFailure_AndTheReadIsRetriedOnce()
    {
        _pipeline.Answer(StubBodies.CutOff);
        _pipeline.Answer(StubBodies.CutOff);

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.CutOff, error.Reason);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        AssertFailures(_pipeline, 2);
    }

    [Fact]
    public async Task BodyOverTheLimit_IsAFailure_ReadNoFurtherThanTheLimit()
    {
        _pipeline.Answer(() => StubBodies.Huge(300_000_000));
        _pipeline.Answer(() => StubBodies.Huge(300_000_000));

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.TooLarge, error.Reason);
        AssertFailures(_pipeline, 2);
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimit_IsAFailureWithoutReading()
    {
        _pipeline.Answer(() => ClientPipeline.Json(new string(' ', 2 * 1024 * 1024)));
        _pipeline.Answer(() => ClientPipeline.Json(new string(' ', 2 * 1024 * 1024)));

        var response = _pipeline.Client.GetAsync("http://payment-service/payments/user/1");

        Assert.Equal(UnusableResponseReason.TooLarge, (await Assert.ThrowsAsync<UnusableResponseException>(() => response)).Reason);
        AssertFailures(_pipeline, 2);
    }

    [Fact]
    public async Task HtmlPageWith200_WhenJsonIsExpected_IsAFailure()
    {
        _pipeline.Answer(StubBodies.Html);
        _pipeline.Answer(StubBodies.Html);

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.NotJson, error.Reason);
        AssertFailures(_pipeline, 2);
    }

    [Fact]
    public async Task NotJsonAtAll_WithAJsonContentType_IsAFailure()
    {
        _pipeline.Answer(() => ClientPipeline.Json("<html>oops</html>"));
        _pipeline.Answer(() => ClientPipeline.Json("{\"id\":\"1\",")); // cut inside the JSON, but complete as far as HTTP goes

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.NotJson, error.Reason);
        AssertFailures(_pipeline, 2);
    }

    [Theory]
    [InlineData("""{"status":"degraded","items":null}""")]
    [InlineData("""{"id":"1","name":"Ada"}""")]
    [InlineData("""{"id":"1","name":null,"email":"ada@example.com"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""null""")]
    public async Task JsonOfAnotherShape_IsAFailure(string body)
    {
        _pipeline.Answer(() => ClientPipeline.Json(body));
        _pipeline.Answer(() => ClientPipeline.Json(body));

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.WrongShape, error.Reason);
        AssertFailures(_pipeline, 2);
    }

    [Fact]
    public async Task NestedRequiredMembers_AreCheckedToo()
    {
        _pipeline.Answer(() => ClientPipeline.Json("""{"userId":"1","orders":[{"id":"o1","item":"Chair","quantity":1}]}"""));
        _pipeline.Answer(() => ClientPipeline.Json("""{"userId":"1","orders":null}"""));

        var error = await Assert.ThrowsAsync<UnusableResponseException>(() => _pipeline.Client.GetUsableJsonAsync<UserOrders>(UserPath, CancellationToken.None));

        Assert.Equal(UnusableResponseReason.WrongShape, error.Reason);
    }

    [Fact]
    public async Task ErrorStatus_BodyIsNotJudged_TheStatusIsTheOutcome()
    {
        _pipeline.Answer(() => new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>not here</html>") });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _pipeline.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None));

        Assert.IsNotType<UnusableResponseException>(error);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(1, _pipeline.Status("payment-service").SuccessfulRequests);
    }

    [Fact]
    public async Task BusyWithRetryAfter120Seconds_IsRetriedAfter50MsNotAfterTheHeader()
    {
        _timed.Answer(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(120)) } });

        var call = _timed.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None);
        await _timed.StubEntered;
        _clock.Advance(TimeSpan.FromMilliseconds(100)); // the retry's own delay (50 ms, with jitter), not the header's 120 s

        var user = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Ada", user.Name);
        Assert.Equal(2, _timed.Stub.Calls);
    }

    [Fact]
    public async Task WholeRead_FastFailureThenStall_EndsWithinTwoAttemptTimeouts()
    {
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _timed.Answer(StubBodies.CutOff);
        _timed.Answer((_, _) =>
        {
            retried.SetResult();
            return Task.FromResult(StubBodies.Stalling());
        });

        var call = _timed.Client.GetUsableJsonAsync<User>(UserPath, CancellationToken.None);
        await _timed.StubEntered;
        _clock.Advance(TimeSpan.FromMilliseconds(100)); // the retry's delay
        await retried.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _clock.Advance(AttemptTimeout);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(_clock.GetUtcNow() - TestBreakers.Start <= (2 * AttemptTimeout) + TimeSpan.FromSeconds(1));
        AssertFailures(_timed, 2);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _timed.Dispose();
    }

    private static void AssertFailures(ClientPipeline pipeline, long expected)
    {
        var status = pipeline.Status("payment-service");
        Assert.Equal((expected, 0L, 0L), (status.FailedRequests, status.SuccessfulRequests, status.InFlightRequests));
    }
}
