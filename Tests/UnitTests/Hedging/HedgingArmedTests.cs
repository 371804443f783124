using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Hedging;

/// <summary>
/// With <c>HedgeDelay</c> auto, a read goes through Polly's hedging only while the service has a tail (docs/pattern.md,
/// "The tail: hedged reads"): until a read is late, none does, and one left unanswered past the delay gets no hedge; a
/// late read, or the one read watched in flight once it is later than the delay, arms the hedging, and the next read
/// unanswered past the delay is hedged.
/// </summary>
public sealed class HedgingArmedTests : IDisposable
{
    private const string Read = "http://user-service/users/1";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ClientPipeline _pipeline;
    private readonly List<bool> _throughHedging = [];

    public HedgingArmedTests() => _pipeline = new ClientPipeline(_time, new Dictionary<string, string?>
    {
        ["services:user-service:http:0"] = "http://localhost:3001",
        ["services:user-service:http:1"] = "http://localhost:3011",
        ["services:user-service:http:2"] = "http://localhost:3021",
        ["CircuitBreaker:Services:user-service:HedgeDelay"] = "auto",
        ["CircuitBreaker:Services:user-service:AttemptTimeout"] = AttemptTimeout.ToString(),
    });

    [Fact]
    public async Task WithoutATail_AReadSkipsTheHedging_AndGetsNoHedge_ThenALateReadArmsIt_AndTheNextIsHedged()
    {
        // No estimate yet: the delay is half the attempt timeout. The first read is answered 1.5 s late, unhedged.
        var delay = AttemptTimeout / 2;
        Assert.False(_pipeline.Status("user-service").Hedges!.Armed);
        var late = Scripted();
        var first = _pipeline.Client.GetAsync(Read, _stop.Token);
        await late.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(delay * 1.5);
        late.Answer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Late","email":"l@example.com"}"""));
        Assert.Contains("Late", await (await first).Content.ReadAsStringAsync());

        Assert.Equal([false], _throughHedging);
        Assert.Equal(1, _pipeline.Stub.Calls);
        Assert.Equal((0L, 0L), (_pipeline.Status("user-service").Hedges!.Sent, _pipeline.Status("user-service").Hedges!.Refused));
        Assert.True(_pipeline.Status("user-service").Hedges!.Armed);

        // That read was late: the next one goes through the hedging, and unanswered past the delay it is hedged.
        var unanswered = Scripted();
        _pipeline.Answer((request, _) =>
        {
            Note(request);
            return Task.FromResult(ClientPipeline.Json("""{"id":"1","name":"Hedge","email":"h@example.com"}"""));
        });
        var second = _pipeline.Client.GetAsync(Read, _stop.Token);
        await unanswered.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(delay);

        Assert.Contains("Hedge", await (await second).Content.ReadAsStringAsync());
        Assert.Equal(3, _pipeline.Stub.Calls);
        Assert.Equal([false, true, true], _throughHedging);
        Assert.Equal((1L, 1L), (_pipeline.Status("user-service").Hedges!.Sent, _pipeline.Status("user-service").Hedges!.Won));

        // The hedge due was a late read too (its first attempt, cancelled, gave no latency): with 120 reads answered at
        // once, the next estimate's reads are 2 in 123 late (the hedge due one read, its answer another), and the
        // hedging stays armed; had the hedge due not counted, 1 in 122 would have disarmed it.
        for (var i = 0; i < 120; i++)
        {
            _pipeline.Answer(() => ClientPipeline.Json("""{"id":"1","name":"Ada","email":"a@example.com"}"""));
            (await _pipeline.Client.GetAsync(Read, _stop.Token)).EnsureSuccessStatusCode();
        }

        _time.Advance(HedgeDelay.Interval);
        Assert.Equal((TimeSpan.FromMilliseconds(20), true), (Delay.Now, Delay.Armed));
    }

    [Fact]
    public async Task WhileDisarmed_AReadStillInFlightPastTheDelay_ArmsTheHedgingBeforeItEnds()
    {
        var late = Scripted();
        var first = _pipeline.Client.GetAsync(Read, _stop.Token);
        await late.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(AttemptTimeout / 2 + TimeSpan.FromMilliseconds(1));

        // The first read, watched, is now later than the delay: the next read goes through the hedging.
        var next = Scripted();
        next.Answer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Next","email":"n@example.com"}"""));
        (await _pipeline.Client.GetAsync(Read, _stop.Token)).EnsureSuccessStatusCode();
        Assert.Equal([false, true], _throughHedging);
        Assert.True(Delay.Armed);

        late.Answer.SetResult(ClientPipeline.Json("""{"id":"1","name":"Late","email":"l@example.com"}"""));
        (await first).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AWatchedReadThatEnded_ArmsNothing_HoweverLongAgoItStarted()
    {
        _pipeline.Answer(() => ClientPipeline.Json("""{"id":"1","name":"Ada","email":"a@example.com"}"""));
        (await _pipeline.Client.GetAsync(Read, _stop.Token)).EnsureSuccessStatusCode();

        _time.Advance(AttemptTimeout);
        Assert.False(Delay.Armed);
    }

    [Fact]
    public async Task AReadWhoseAttemptTimedOut_WasLate_AndArmsTheHedging()
    {
        _pipeline.AnswerNever();
        var call = _pipeline.Client.GetAsync(Read, _stop.Token);
        await _pipeline.StubEntered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(Delay.Armed);

        _time.Advance(AttemptTimeout);
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.True(Delay.Armed);
    }

    private HedgeDelay Delay => _pipeline.Registry.Guard(CircuitBreakerKey.FromName("user-service")).Hedges!.Delay;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _pipeline.Dispose();
    }

    // The next request is answered when the test says; each request notes whether its read went through the hedging
    // (the read's hedge state is on the call's resilience context only then).
    private (Task Entered, TaskCompletionSource<HttpResponseMessage> Answer) Scripted()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipeline.Answer((request, token) =>
        {
            Note(request);
            entered.TrySetResult();
            return answer.Task.WaitAsync(token);
        });
        return (entered.Task, answer);
    }

    private void Note(HttpRequestMessage request)
    {
        lock (_throughHedging)
        {
            _throughHedging.Add(request.GetResilienceContext()!.Properties.TryGetValue(HedgedRead.Key, out _));
        }
    }
}
