using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Support;

/// <summary>Breakers on a fake clock, and shortcuts to drive them.</summary>
internal static class TestBreakers
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The breaker most tests use: the defaults, spelled out so that the tests' numbers can be read against them.</summary>
    public static readonly CircuitBreakerOptions Options = new()
    {
        FailureThreshold = 3,
        FailureWindow = TimeSpan.FromSeconds(30),
        OpenDuration = TimeSpan.FromSeconds(10),
        SuccessThreshold = 2,
        HalfOpenMaxProbes = 1,
    };

    public static (CircuitBreaker Breaker, FakeTimeProvider Clock) Create(CircuitBreakerOptions? options = null, string name = "test-service")
    {
        var clock = new FakeTimeProvider(Start);
        return (new CircuitBreaker(name, options ?? new CircuitBreakerOptions(), clock), clock);
    }

    /// <summary>One whole call with the given outcome; returns the decision.</summary>
    public static CircuitDecision Call(this CircuitBreaker breaker, CallOutcome outcome)
    {
        var permit = breaker.TryAcquire();
        if (permit.IsAdmitted)
        {
            breaker.Complete(permit, outcome);
        }

        return permit.Decision;
    }

    public static void Fail(this CircuitBreaker breaker, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            breaker.Call(CallOutcome.Failure);
        }
    }

    public static void Succeed(this CircuitBreaker breaker, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            breaker.Call(CallOutcome.Success);
        }
    }

    /// <summary>Drives a fresh breaker into <paramref name="state"/>.</summary>
    public static void DriveTo(this CircuitBreaker breaker, FakeTimeProvider clock, CircuitState state)
    {
        switch (state)
        {
            case CircuitState.Open:
                breaker.Fail(breaker.Options.FailureThreshold);
                break;
            case CircuitState.HalfOpen:
                breaker.Fail(breaker.Options.FailureThreshold);
                clock.Advance(breaker.Options.OpenDuration);
                break;
            case CircuitState.Isolated:
                breaker.Isolate();
                break;
        }

        Assert.Equal(state, breaker.State);
    }
}
