using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// "Slow" is decided once, by the breaker's rule, for each attempt: the breaker's window, the instance's streak and the
/// call Explain lists all see the same slow call.
/// </summary>
public sealed class SlowDecidedOnceTests
{
    [Fact]
    public async Task ASlowCall_IsSlowForTheBreaker_ForItsInstance_AndInTheRecentCalls()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(clock, new()
        {
            ["CircuitBreaker:Services:user-service:SlowCallDuration"] = "00:00:00.100",
            ["CircuitBreaker:Services:user-service:AttemptTimeout"] = "01:00:00",
        });
        pipeline.Answer((_, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            return Task.FromResult(ClientPipeline.Json("""{"id":"1","name":"Ada","email":"ada@example.com"}"""));
        });

        (await pipeline.Client.GetAsync("http://user-service/users/1")).EnsureSuccessStatusCode();

        var status = pipeline.Status("user-service");
        Assert.Equal(1, status.SlowCalls);
        Assert.Equal(1, Assert.Single(status.Endpoints).ConsecutiveSlowCalls);
        Assert.True(Assert.Single(status.RecentCalls).Slow);
    }
}
