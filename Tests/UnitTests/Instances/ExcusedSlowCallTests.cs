using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// A slow call that its instance answers for (ejected for it, or still can be) is neutral for the service, as a failure
/// it answers for is: left out of the slow-call window (not a fast success that dilutes it), and in HalfOpen neither a
/// good probe nor a bad one. It is still a successful request in the totals, and shown as slow.
/// </summary>
public sealed class ExcusedSlowCallTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(5);

    private static readonly ServiceGuardOptions Options = new ServiceGuardOptions { Breaker = TestBreakers.Options with { AttemptTimeout = TimeSpan.FromSeconds(2.5), SlowCallDuration = TimeSpan.FromSeconds(1.25), SlowCallRatio = 0.5, SlowCallWindow = 4 }, Ejection = new() { EjectionConsecutiveSlowCalls = 1000, BaseEjectionTime = TimeSpan.FromSeconds(30) } };

    [Fact]
    public void SlowCallItsInstanceAnswersFor_IsLeftOutOfTheSlowCallWindow_NotCountedAsAFastCall()
    {
        var (guard, clock) = GuardCalls.Create(Options);

        guard.CallOn(Three, A, CallOutcome.Success, clock, Fast);
        for (var i = 0; i < 10; i++)
        {
            guard.CallOn(Three, B, CallOutcome.Success, clock, Slow); // B's own: A and C are fast, B may still be ejected
        }

        var status = guard.Status();
        Assert.Equal((0, 1), (status.SlowCalls, status.SlowCallWindowCalls)); // A's fast call alone
        Assert.Equal(11L, status.SuccessfulRequests);
    }

    [Fact]
    public void SlowProbeItsInstanceAnswersFor_NeitherClosesNorReopens_AndGivesItsSlotBack()
    {
        var (guard, clock) = GuardCalls.Create(Options with { Breaker = Options.Breaker with { SuccessThreshold = 1, FailureThreshold = 1 } });
        guard.CallOn(Three, A, CallOutcome.Success, clock, Fast);
        guard.CallOn(Three, C, CallOutcome.Success, clock, Fast);
        guard.Breaker.Complete(guard.Breaker.TryAcquire(), CallOutcome.Failure); // opens (threshold 1)
        clock.Advance(Options.Breaker.OpenDuration);
        Assert.Equal(CircuitState.HalfOpen, guard.Breaker.State);

        guard.CallOn(Three, B, CallOutcome.Success, clock, Slow);

        Assert.Equal(CircuitState.HalfOpen, guard.Breaker.State);
        Assert.True(guard.Breaker.TryAcquire().IsAdmitted, "the slow probe's slot was not given back");
    }
}
