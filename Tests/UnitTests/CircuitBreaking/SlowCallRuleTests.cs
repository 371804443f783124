using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The slow-call rule (docs/contract.md, "4. The breaker"), on a fake clock: a brownout opens the circuit.</summary>
public class SlowCallRuleTests
{
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(1.25);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1500);

    private static readonly CircuitBreakerOptions Options = new()
    {
        FailureThreshold = 3,
        OpenDuration = TimeSpan.FromSeconds(10),
        SuccessThreshold = 2,
        SlowCallDuration = SlowCall,
        SlowCallRatio = 0.5,
        SlowCallWindow = 10,
    };

    [Fact]
    public void SlowSuccesses_AtTheRatioOfAFullWindow_Open_WithAReasonThatSaysSo()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Fast, 5);
        Calls(breaker, clock, Slow, 4);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Calls(breaker, clock, Slow, 1); // 5 of 10: the ratio

        Assert.Equal(CircuitState.Open, breaker.State);
        var status = breaker.GetStatus();
        Assert.Equal("5 of 10 calls slower than 1.25 s", status.StateChanges[^1].Reason);
        Assert.Equal(10, status.SuccessfulRequests); // slow successes stay successes
        Assert.Equal(0, status.FailedRequests);
    }

    [Fact]
    public void SlowCalls_BelowTheRatio_NeverOpen()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        for (var round = 0; round < 20; round++)
        {
            Calls(breaker, clock, Fast, 6);
            Calls(breaker, clock, Slow, 4); // 4 of every 10: under 0.5, in any window of 10
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal((4, 10), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls));
    }

    [Fact]
    public void SlowCalls_BeforeTheWindowIsFull_DoNotOpen()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Slow, 9); // every one slow, but only 9 of the 10 the window needs

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal((9, 9), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls));

        Calls(breaker, clock, Slow, 1);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void OldSlowCalls_LeaveTheWindow_AsNewCallsCome()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Slow, 4);
        Calls(breaker, clock, Fast, 10); // pushes the four slow ones out

        Assert.Equal((0, 10), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls));
        Calls(breaker, clock, Slow, 4);
        Assert.Equal(CircuitState.Closed, breaker.State); // 4 of 10, not 8
    }

    [Fact]
    public void ACallExactlyAtTheDuration_IsNotSlow_OneTickOver_Is()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { SlowCallWindow = 1, SlowCallRatio = 1 });
        Calls(breaker, clock, SlowCall, 1);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Calls(breaker, clock, SlowCall + TimeSpan.FromTicks(1), 1);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void SlowFailures_CountAsSlow_AndStillAsFailures()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { FailureThreshold = 100, SlowCallWindow = 4 });
        Calls(breaker, clock, Slow, 2, CallOutcome.Failure);
        Calls(breaker, clock, Fast, 2);

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(2, breaker.GetStatus().FailedRequests);
    }

    [Fact]
    public void CancelledCalls_AreNeitherSlowNorInTheWindow()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Slow, 10, CallOutcome.Cancelled);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal((0, 0), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls));
    }

    [Fact]
    public void SlowProbe_Reopens_FastProbesClose()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Slow, 10);
        clock.Advance(Options.OpenDuration);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);

        Calls(breaker, clock, Slow, 1); // a probe that succeeded, late
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Contains("probe slower than 1.25 s", breaker.GetStatus().StateChanges[^1].Reason, StringComparison.Ordinal);

        clock.Advance(Options.OpenDuration);
        Calls(breaker, clock, Fast, 1);
        Assert.Equal((CircuitState.HalfOpen, 1), (breaker.State, breaker.GetStatus().SuccessCount)); // a fast probe counts
        Calls(breaker, clock, Fast, 1);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal((0, 0), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls)); // closing starts a fresh window
    }

    [Fact]
    public void Reset_EmptiesTheWindow()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        Calls(breaker, clock, Slow, 9);
        breaker.Reset();
        Calls(breaker, clock, Slow, 1);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void RuleOff_NoCallIsSlow()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { SlowCallDuration = null });
        Calls(breaker, clock, TimeSpan.FromMinutes(1), 50);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal((0, 0), (breaker.GetStatus().SlowCalls, breaker.GetStatus().SlowCallWindowCalls));
    }

    [Fact]
    public void SlowCallDuration_NullInConfiguration_SwitchesTheRuleOffForALayer()
    {
        // The gateway's write breaker inherits its service's read settings and switches the rule off with a JSON null.
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream("""
            {"CircuitBreaker":{"Services":{"payment-service":{"SlowCallDuration":"00:00:01.25","Write":{"SlowCallDuration":null}}}}}
            """u8.ToArray())).Build();
        using var breakers = new ConfiguredBreakers(configuration);

        Assert.Equal(SlowCall, breakers.Options("payment-service").Breaker.SlowCallDuration);
        Assert.Null(breakers.Options("payment-service:write").Breaker.SlowCallDuration);
    }

    [Fact]
    public async Task HealthCheck_SaysHowManyCallsWereSlow()
    {
        var clock = new FakeTimeProvider();
        using var pipeline = new ClientPipeline(clock, new() { ["CircuitBreaker:Services:user-service:SlowCallDuration"] = "00:00:01.25" });
        var breaker = pipeline.Breaker("user-service");
        Calls(breaker, clock, Slow, 3);
        Calls(breaker, clock, Fast, 1);

        var health = await new CircuitBreakerHealthCheck(pipeline.Registry, "user-service").CheckHealthAsync(new HealthCheckContext());

        Assert.Equal("Circuit breaker user-service is Closed. 3 of 4 calls slower than 1.25 s.", health.Description);
    }

    // Each call admitted, lasting `duration` on the breaker's clock, then completed.
    private static void Calls(CircuitBreaker breaker, FakeTimeProvider clock, TimeSpan duration, int count, CallOutcome outcome = CallOutcome.Success)
    {
        for (var i = 0; i < count; i++)
        {
            var permit = breaker.TryAcquire();
            Assert.True(permit.IsAdmitted, $"call {i} was {permit.Decision}");
            var started = breaker.StartTiming();
            clock.Advance(duration);
            breaker.Complete(permit, outcome, breaker.IsSlow(started));
        }
    }
}
