namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// The ejection policy on its own, as a pure function: no clock, no list, no lock. Whose failure a failure is, when an
/// instance is ejected and for how long, and the cap, stated as the contract states them (docs/pattern.md, "Instances, and ejecting a bad one").
/// </summary>
public sealed class EjectionPolicyTests
{
    private static readonly EjectionOptions Options = new()
    {
        EjectionConsecutiveFailures = 3,
        EjectionConsecutiveSlowCalls = 2,
        BaseEjectionTime = TimeSpan.FromSeconds(30),
        MaxEjectionTime = TimeSpan.FromSeconds(75),
        MaxEjectionPercent = 50,
    };

    private static readonly EjectionPolicy Policy = new(Options, slowCallDuration: TimeSpan.FromSeconds(1));

    // Three listed, none out, the others clear of any streak.
    private static readonly Rotation Healthy = new(Listed: 3, Ejected: 0, AnotherClearOfFailures: true, AnotherClearOfSlowCalls: true);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 2)]
    [InlineData(10, 5)]
    [InlineData(0, 0)]
    public void Cap_IsHalfTheListedRoundedDown_NeverTheLastOne(int listed, int allowed) =>
        Assert.Equal(allowed, Policy.Allowed(listed));

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 75)]
    [InlineData(9, 75)]
    public void Duration_GrowsWithEachEjection_UpToTheMaximum(int ejections, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy.Duration(ejections));

    [Fact]
    public void ThirdFailureInARow_Ejects_AndTheServiceNeverCountsIt()
    {
        var verdict = Policy.Judge(new Streaks(Failures: 2, SlowCalls: 0), failed: true, slow: false, Healthy);

        Assert.Equal(("3 consecutive failures", 3, false), (verdict.EjectFor, verdict.Streaks.Failures, verdict.Refused));
        Assert.Equal(new ServiceVerdict(CallOutcome.Excused, Slow: false), verdict.Counted);
    }

    [Fact]
    public void AFailureBeforeTheThreshold_IsTheInstances_WhileAnotherInRotationIsClear()
    {
        var verdict = Policy.Judge(default, failed: true, slow: false, Healthy);

        Assert.Null(verdict.EjectFor);
        Assert.Equal(CallOutcome.Excused, verdict.Counted.Outcome);
    }

    [Fact]
    public void EveryInstanceFailingAlike_IsTheServicesFailure()
    {
        var verdict = Policy.Judge(default, failed: true, slow: false, Healthy with { AnotherClearOfFailures = false });

        Assert.Equal(CallOutcome.Failure, verdict.Counted.Outcome);
    }

    [Fact]
    public void AtTheCap_AStreakReachingItsThreshold_IsOneRefusal_AndTheServicesFailure()
    {
        var full = Healthy with { Ejected = 1 };

        var reaching = Policy.Judge(new Streaks(2, 0), failed: true, slow: false, full);
        var beyond = Policy.Judge(new Streaks(3, 0), failed: true, slow: false, full);

        Assert.Equal((null, true, CallOutcome.Failure), (reaching.EjectFor, reaching.Refused, reaching.Counted.Outcome));
        Assert.Equal((null, false), (beyond.EjectFor, beyond.Refused));
    }

    [Fact]
    public void OneInstanceAlone_IsNeverEjected_AndThatIsNoRefusal()
    {
        var alone = new Rotation(Listed: 1, Ejected: 0, AnotherClearOfFailures: false, AnotherClearOfSlowCalls: false);

        var verdict = Policy.Judge(new Streaks(2, 0), failed: true, slow: false, alone);

        Assert.Equal((null, false, CallOutcome.Failure), (verdict.EjectFor, verdict.Refused, verdict.Counted.Outcome));
    }

    [Fact]
    public void SlowCallsInARow_Eject_AndASlowSuccessTheInstanceAnswersFor_IsNeutral()
    {
        var first = Policy.Judge(default, failed: false, slow: true, Healthy);
        var second = Policy.Judge(first.Streaks, failed: false, slow: true, Healthy);

        Assert.Equal(new ServiceVerdict(CallOutcome.ExcusedSlow, Slow: false), first.Counted);
        Assert.Equal("2 consecutive calls slower than 1 s", second.EjectFor);
    }

    [Fact]
    public void WithoutTheSlowCallRule_NoSlowCallEjects()
    {
        var policy = new EjectionPolicy(Options, slowCallDuration: null);

        var verdict = policy.Judge(new Streaks(0, 5), failed: false, slow: true, Healthy);

        Assert.Equal((0, (string?)null), (policy.SlowCallThreshold, verdict.EjectFor));
        Assert.Equal(new ServiceVerdict(CallOutcome.Success, Slow: true), verdict.Counted);
    }

    [Fact]
    public void ASuccess_ClearsBothStreaks()
    {
        var verdict = Policy.Judge(new Streaks(2, 1), failed: false, slow: false, Healthy);

        Assert.Equal((default(Streaks), CallOutcome.Success), (verdict.Streaks, verdict.Counted.Outcome));
    }

    [Fact]
    public void ThresholdZero_NeverEjects_AndTheFailureIsTheServices()
    {
        var policy = new EjectionPolicy(Options with { EjectionConsecutiveFailures = 0 }, TimeSpan.FromSeconds(1));

        var verdict = policy.Judge(new Streaks(50, 0), failed: true, slow: false, Healthy);

        Assert.Equal((null, CallOutcome.Failure), (verdict.EjectFor, verdict.Counted.Outcome));
    }
}
