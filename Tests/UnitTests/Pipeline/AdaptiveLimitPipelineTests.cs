using System.Net;
using Polly.RateLimiting;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// The adaptive concurrency limit in the client pipeline (docs/pattern.md, "Overload: the retry budget and the
/// concurrency limit"): on by default, the service's limit the sum of its instances', over it a call is rejected at once
/// (a rejection, never a failure, never retried), and every permit comes back.
/// </summary>
public sealed class AdaptiveLimitPipelineTests
{
    [Fact]
    public async Task ByDefault_OverTheSumOfItsInstancesLimits_ACallIsRejectedAtOnce_NeverAFailure_AndNoPermitLeaks()
    {
        using var pipeline = new ClientPipeline(configuration: new()
        {
            ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "01:00:00", // the admitted calls wait at the gate
        });
        var limit = ConcurrencyLimit.Initial; // one instance, not yet measured
        var gate = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < limit; i++)
        {
            pipeline.Answer((_, _) => gate.Task);
        }

        var admitted = Enumerable.Range(0, limit).Select(_ => pipeline.Client.GetAsync("http://user-service/users/1")).ToList();
        await Wait.Until(() => pipeline.Stub.Calls == limit);

        var over = await Assert.ThrowsAsync<RateLimiterRejectedException>(() => pipeline.Client.GetAsync("http://user-service/users/1"));

        Assert.Equal(CallFailure.Overloaded, CircuitBreakingExtensions.FailureOf(over));
        var during = pipeline.Status("user-service");
        Assert.Equal(new ConcurrencyStatus("adaptive", limit, limit), during.Concurrency! with { LastChange = null, LastChangeAt = null });
        Assert.Equal((1L, 0L, limit), (during.RejectedRequests, during.FailedRequests, during.InFlightRequests));
        Assert.Equal(limit, pipeline.Stub.Calls); // not retried, never sent

        gate.SetResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        Assert.All(await Task.WhenAll(admitted), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(0, pipeline.Status("user-service").Concurrency!.InFlight);
        (await pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();
    }

    [Fact]
    public void AStaticLimit_TakesThePlaceOfTheAdaptiveOne_AndOffMeansNone()
    {
        using var fixedLimit = new ClientPipeline(configuration: new() { ["CircuitBreaker:Services:user-service:MaxConcurrentCalls"] = "7" });
        using var none = new ClientPipeline(configuration: new() { ["CircuitBreaker:Services:user-service:AdaptiveConcurrency"] = "false" });

        Assert.Equal(new ConcurrencyStatus("static", 7, 0), fixedLimit.Status("user-service").Concurrency);
        Assert.Null(none.Status("user-service").Concurrency);
    }
}
