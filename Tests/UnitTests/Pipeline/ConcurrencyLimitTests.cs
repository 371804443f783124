using System.Net;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// <c>MaxConcurrentCalls</c> (docs/contract.md, "4. The breaker"), through the whole client pipeline: Polly's
/// concurrency limiter in front of the breaker.
/// </summary>
public class ConcurrencyLimitTests
{
    private const int Limit = 3;
    private const int Callers = 16;

    [Fact]
    public async Task OverTheLimit_RejectedAtOnce_CountedAsRejections_NeverFailuresOrRetries_AndNoPermitLeaks()
    {
        // The calls let through wait at the gate until the test opens it, however slowly the machine runs: no attempt
        // timeout can end them first.
        using var pipeline = new ClientPipeline(configuration: new()
        {
            ["CircuitBreaker:Services:user-service:MaxConcurrentCalls"] = $"{Limit}",
            ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "01:00:00",
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = 0;
        for (var i = 0; i < Callers; i++)
        {
            pipeline.Answer(async (_, _) =>
            {
                if (Interlocked.Increment(ref entered) == Limit)
                {
                    allEntered.SetResult();
                }

                await gate.Task;
                return ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}""");
            });
        }

        // More callers than cores, released at once onto the thread pool (a blocking barrier would starve it).
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await pipeline.Client.GetAsync("http://user-service/users/1");
        })).ToList();
        start.SetResult();

        // Every caller over the limit is turned away without waiting for the ones let through.
        var rejected = await WhenExactly(calls, Callers - Limit);
        Assert.All(rejected, call => Assert.Equal(CallFailure.Overloaded, CircuitBreakingExtensions.FailureOf(call.Exception!.InnerException!)));

        // The ones let through reach the service (they may still be on their way when the last rejection returns), and
        // no other call ever does: every other caller has been turned away.
        await allEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Limit, Volatile.Read(ref entered));
        var during = pipeline.Status("user-service");
        Assert.Equal((Callers, Callers - Limit, 0L, Limit), (during.TotalRequests, during.RejectedRequests, during.FailedRequests, during.InFlightRequests));
        Assert.Equal(CircuitState.Closed, during.State);

        gate.SetResult();
        foreach (var call in calls.Except(rejected))
        {
            Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        }

        // No retry of a rejection, and every permit back: the limit admits a whole new round.
        Assert.Equal(Limit, pipeline.Stub.Calls);
        var again = await Task.WhenAll(Enumerable.Range(0, Limit).Select(_ => pipeline.Client.GetAsync("http://user-service/users/1")));
        Assert.All(again, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var after = pipeline.Status("user-service");
        Assert.Equal((Callers + Limit, Callers - Limit, 0L, 0L), (after.TotalRequests, after.RejectedRequests, after.FailedRequests, after.InFlightRequests));
    }

    [Fact]
    public async Task InHalfOpen_ACallOverTheLimit_TakesNoProbeSlot()
    {
        using var pipeline = new ClientPipeline(configuration: new()
        {
            ["CircuitBreaker:Services:user-service:MaxConcurrentCalls"] = "1",
            ["CircuitBreaker:Services:user-service:FailureThreshold"] = "1",
            ["CircuitBreaker:Services:user-service:OpenDuration"] = "00:00:00.001",
            ["CircuitBreaker:Services:user-service:HalfOpenMaxProbes"] = "2",
            ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "01:00:00", // the probe waits at the gate
        });
        pipeline.Answer(HttpStatusCode.InternalServerError);
        pipeline.Answer(HttpStatusCode.InternalServerError); // the read's one retry
        await pipeline.Client.GetAsync("http://user-service/users/1");
        await Wait.Until(() => pipeline.Breaker("user-service").State == CircuitState.HalfOpen);

        var gate = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Answer((_, _) => gate.Task);
        var probe = pipeline.Client.GetAsync("http://user-service/users/1");
        var overLimit = await Assert.ThrowsAsync<Polly.RateLimiting.RateLimiterRejectedException>(() => pipeline.Client.GetAsync("http://user-service/users/1"));

        // The limit said no before the breaker was asked: the breaker's second probe slot is still free.
        Assert.Equal(CallFailure.Overloaded, CircuitBreakingExtensions.FailureOf(overLimit));
        Assert.Equal(1, pipeline.Status("user-service").InFlightRequests);
        gate.SetResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        Assert.Equal(HttpStatusCode.OK, (await probe).StatusCode);
        Assert.Equal(1, pipeline.Status("user-service").SuccessCount);
    }

    private static async Task<List<Task<HttpResponseMessage>>> WhenExactly(List<Task<HttpResponseMessage>> calls, int failed)
    {
        await Wait.Until(() => calls.Count(c => c.IsFaulted) >= failed, TimeSpan.FromSeconds(30));
        return [.. calls.Where(c => c.IsFaulted)];
    }
}
