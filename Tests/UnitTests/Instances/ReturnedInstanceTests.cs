using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// An instance back from ejection starts again as a new one: at the average of the others' latency estimates, not at
/// the estimate it left with (a failure's whole attempt timeout, which would keep it from calls long after its return).
/// </summary>
public sealed class ReturnedInstanceTests
{
    private static readonly ServiceGuardOptions Options = new()
    {
        Breaker = TestBreakers.Options with { FailureThreshold = 100, AttemptTimeout = TimeSpan.FromSeconds(2.5) },
        Ejection = new()
        {
            EjectionConsecutiveFailures = 3,
            BaseEjectionTime = TimeSpan.FromSeconds(5),
            LatencyDecay = TimeSpan.FromMinutes(10), // slow enough that no estimate fades while the test runs
        },
    };

    [Fact]
    public void BackFromEjection_ItsEstimateIsTheOthersAverage_NotTheOneItLeftWith()
    {
        var (guard, clock) = GuardCalls.Create(Options);
        guard.CallOn(Three, A, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(100));
        guard.CallOn(Three, C, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 3; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Failure);
        }

        Assert.Equal(EndpointState.Ejected, guard.Status(B).State);
        clock.Advance(Options.Ejection.BaseEjectionTime);

        var (a, b, c) = (guard.Status(A), guard.Status(B), guard.Status(C));
        Assert.Equal(EndpointState.Active, b.State);
        Assert.InRange(b.LatencyMs, (a.LatencyMs + c.LatencyMs) / 2 - 0.02, (a.LatencyMs + c.LatencyMs) / 2 + 0.02);
        Assert.InRange(a.LatencyMs, 90, 100);
    }
}
