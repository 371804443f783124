using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Hedging;

/// <summary>
/// Hedged reads in the client pipeline (docs/pattern.md, "The tail: hedged reads"), on a fake clock, with three instances
/// of user-service: a read unanswered after the hedge delay sends one hedge to another instance; the first usable
/// answer wins and the other attempt is cancelled, counted neither as a failure nor as a slow call; the hedge is paid
/// from the retry budget and needs a closed circuit; a read that failed fast is the retry's, and a write is never hedged.
/// </summary>
public sealed class HedgedReadPipelineTests : IDisposable
{
    private const string Read = "http://user-service/users/1";
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();

    // Ends every call still in flight when a test ends (a failed one may leave one waiting for its answer).
    private readonly CancellationTokenSource _stop = new();
    private readonly ClientPipeline _pipeline;
    private readonly MetricCollector<long> _hedges;

    public HedgedReadPipelineTests() : this([]) { }

    private HedgedReadPipelineTests(Dictionary<string, string?> more)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["services:user-service:http:0"] = "http://localhost:3001",
            ["services:user-service:http:1"] = "http://localhost:3011",
            ["services:user-service:http:2"] = "http://localhost:3021",
            ["services:payment-service:http:0"] = "http://localhost:3003",
            ["services:payment-service:http:1"] = "http://localhost:3013",
            ["CircuitBreaker:Services:user-service:HedgeDelay"] = "00:00:00.100",
            ["CircuitBreaker:Services:user-service:SlowCallDuration"] = "00:00:00.150",
            ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "00:00:02",
            ["CircuitBreaker:Services:payment-service:HedgeDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in more)
        {
            configuration[key] = value;
        }

        _pipeline = new ClientPipeline(_time, configuration);
        _hedges = new MetricCollector<long>(
            _pipeline.Services.GetRequiredService<IMeterFactory>(), CircuitBreakerTelemetry.MeterName, Telemetry.HedgesInstrument);
    }

    [Fact]
    public async Task ARead_UnansweredAfterTheDelay_SendsOneHedgeToAnotherInstance_WhichWins_AndTheLoserIsCancelledAndNotCounted()
    {
        var first = Hung();
        var hedgeAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((_, token) => hedgeAnswer.Task.WaitAsync(token));

        var call = _pipeline.Client.GetAsync(Read, _stop.Token);
        await first.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(Delay);
        await Wait.Until(() => _pipeline.Stub.Calls == 2);

        // 200 ms later (the first attempt now 300 ms old: over the slow-call duration) the hedge answers.
        _time.Advance(TimeSpan.FromMilliseconds(200));
        hedgeAnswer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Hedge","email":"h@example.com"}"""));
        var response = await call;

        Assert.Contains("Hedge", await response.Content.ReadAsStringAsync());
        await Wait.Until(() => first.Token().IsCancellationRequested);
        Assert.Equal(2, _pipeline.Stub.Addresses.Distinct().Count());
        var status = _pipeline.Status("user-service");
        Assert.Equal((1L, 1L, 0L), (status.Hedges!.Sent, status.Hedges.Won, status.Hedges.Refused));
        Assert.Equal((1L, 0L, 1L, 0), (status.SuccessfulRequests, status.FailedRequests, status.CancelledRequests, status.SlowCalls));
        var loser = status.Endpoints.Single(e => e.Address == _pipeline.Stub.Addresses[0]);
        Assert.Equal((0L, 0), (loser.FailedRequests, loser.ConsecutiveSlowCalls));
        Assert.Equal([("won", 1L)], Counted());
    }

    [Fact]
    public async Task WhenTheFirstAttemptAnswersFirst_ItWins_AndTheHedgeIsCancelledAndCountedLost()
    {
        var firstAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((_, token) =>
        {
            firstEntered.TrySetResult();
            return firstAnswer.Task.WaitAsync(token);
        });
        var hedge = Hung();

        var call = _pipeline.Client.GetAsync(Read, _stop.Token);
        await firstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(Delay);
        await Wait.Until(() => _pipeline.Stub.Calls == 2);
        firstAnswer.SetResult(ClientPipeline.Json("""{"id":"1","name":"First","email":"f@example.com"}"""));

        Assert.Contains("First", await (await call).Content.ReadAsStringAsync());
        await Wait.Until(() => hedge.Token().IsCancellationRequested);
        var status = _pipeline.Status("user-service");
        Assert.Equal((1L, 0L, 0L), (status.Hedges!.Sent, status.Hedges.Won, status.Hedges.Refused));
        Assert.Equal((1L, 0L, 1L), (status.SuccessfulRequests, status.FailedRequests, status.CancelledRequests));
        Assert.Equal([("lost", 1L)], Counted());
    }

    [Fact]
    public async Task AReadAnsweredWithinTheDelay_SendsNoHedge()
    {
        var firstAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((_, token) => firstAnswer.Task.WaitAsync(token));

        var call = _pipeline.Client.GetAsync(Read, _stop.Token);
        await Wait.Until(() => _pipeline.Stub.Calls == 1);
        _time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        firstAnswer.SetResult(ClientPipeline.Json("""{"id":"1","name":"First","email":"f@example.com"}"""));
        (await call).EnsureSuccessStatusCode();

        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Equal(new HedgingStatus(100, true, 0, 0, 0), _pipeline.Status("user-service").Hedges);
    }

    [Fact]
    public async Task AReadThatFailedFastBeforeTheDelay_IsRetried_NotHedged()
    {
        _pipeline.Answer(HttpStatusCode.InternalServerError);

        // The retry waits its own 50 ms, give or take a quarter.
        (await WithFakeDelays(_pipeline.Client.GetAsync(Read, _stop.Token))).EnsureSuccessStatusCode();
        Assert.Equal(2, _pipeline.Stub.Calls);
        Assert.Equal(new HedgingStatus(100, true, 0, 0, 0), _pipeline.Status("user-service").Hedges);
        Assert.Empty(Counted());
    }

    [Fact]
    public async Task WhenTheRetryBudgetIsSpent_NoHedgeIsSent_TheReadWaitsForItsFirstAttempt_AndTheRefusalIsCounted()
    {
        using var test = new HedgedReadPipelineTests(new()
        {
            ["CircuitBreaker:Services:user-service:RetryBudgetPercent"] = "0",
            ["CircuitBreaker:Services:user-service:MinRetriesPerSecond"] = "0",
        });
        var firstAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        test._pipeline.Answer((_, token) => firstAnswer.Task.WaitAsync(token));

        var call = test._pipeline.Client.GetAsync(Read, test._stop.Token);
        await Wait.Until(() => test._pipeline.Stub.Calls == 1);
        test._time.Advance(Delay);
        await Wait.Until(() => test._pipeline.Status("user-service").Hedges!.Refused == 1);
        test._time.Advance(Delay * 3);
        firstAnswer.SetResult(ClientPipeline.Json("""{"id":"1","name":"First","email":"f@example.com"}"""));
        (await call).EnsureSuccessStatusCode();

        Assert.Equal(1, test._pipeline.Stub.Calls);
        Assert.Equal(new HedgingStatus(100, true, 0, 0, 1), test._pipeline.Status("user-service").Hedges);
        Assert.Equal(1, test._pipeline.Status("user-service").Retries.Refused);
        Assert.Equal([("refused", 1L)], test.Counted());
    }

    [Fact]
    public async Task InHalfOpen_NoHedgeIsSentBesideTheProbe()
    {
        // Opened by failures (counted straight into the breaker), then let into HalfOpen after its open duration.
        var breaker = _pipeline.Breaker("user-service");
        while (breaker.State == CircuitState.Closed)
        {
            breaker.Complete(breaker.TryAcquire(), CallOutcome.Failure, slow: false);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        _time.Advance(_pipeline.Status("user-service").Options.OpenDuration);
        var calls = _pipeline.Stub.Calls;
        var probeAnswer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((_, token) => probeAnswer.Task.WaitAsync(token));

        var probe = _pipeline.Client.GetAsync(Read, _stop.Token);
        await Wait.Until(() => _pipeline.Stub.Calls == calls + 1);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        _time.Advance(Delay);
        await Wait.Until(() => _pipeline.Status("user-service").Hedges!.Refused == 1);
        probeAnswer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Probe","email":"p@example.com"}"""));
        (await probe).EnsureSuccessStatusCode();

        Assert.Equal(calls + 1, _pipeline.Stub.Calls);
        Assert.Equal(0, _pipeline.Status("user-service").Hedges!.Sent);
    }

    [Fact]
    public async Task AWrite_IsNeverHedged()
    {
        var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((_, token) => answer.Task.WaitAsync(token));
        var request = new HttpRequestMessage(HttpMethod.Post, "http://payment-service/payments/user/user-7");
        request.Headers.Add(HeaderNames.IdempotencyKey, "key-1");

        var call = _pipeline.Client.SendAsync(request, _stop.Token);
        await Wait.Until(() => _pipeline.Stub.Calls == 1);
        _time.Advance(Delay * 5);
        answer.SetResult(new HttpResponseMessage(HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.Created, (await call).StatusCode);

        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Null(_pipeline.Status("payment-service:write").Hedges);
        Assert.NotNull(_pipeline.Status("payment-service").Hedges);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _hedges.Dispose();
        _pipeline.Dispose();
    }

    private (string Outcome, long Count)[] Counted() =>
        [.. _hedges.GetMeasurementSnapshot().Select(m => ((string)m.Tags[Telemetry.HedgeOutcomeTag]!, m.Value))];

    // The next request is answered only when cancelled; Entered completes when it reaches the stub, with its token.
    private (Task Entered, Func<CancellationToken> Token) Hung()
    {
        var entered = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer(async (_, token) =>
        {
            entered.TrySetResult(token);
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        return (entered.Task, () => entered.Task.Result);
    }

    // Moves the clock 10 ms at a time until the call is done (a retry's delay is on it).
    private async Task<HttpResponseMessage> WithFakeDelays(Task<HttpResponseMessage> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!call.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.WhenAny(call, Task.Delay(1, deadline.Token));
            if (!call.IsCompleted)
            {
                deadline.Token.ThrowIfCancellationRequested(); // a late wake-up with the call done is no timeout
            }
        }

        return await call;
    }
}
