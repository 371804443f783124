using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>The ejections the cap refuses, counted once per refusal: once per call, whichever streaks the call ends.</summary>
public sealed class EjectionsRefusedTests
{
    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { FailureThreshold = 100, AttemptTimeout = TimeSpan.FromSeconds(2.5), SlowCallDuration = TimeSpan.FromSeconds(1) }, Ejection = new() { EjectionConsecutiveFailures = 3, EjectionConsecutiveSlowCalls = 3, MaxEjectionPercent = 50 } };

    [Fact]
    public void ACallThatReachesTheFailureAndTheSlowThresholdAtOnce_WhileTheCapIsFull_IsOneRefusal()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        for (var i = 0; i < 3; i++)
        {
            guard.CallOn(Three, A, CallOutcome.Failure); // A is out: one of three is the cap
        }

        for (var i = 0; i < 3; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure, clock, TimeSpan.FromSeconds(2)); // failed, and slow
        }

        Assert.Equal((1, 1L), (guard.Instances.EjectedCount, guard.Instances.EjectionsRefused));
    }
}
