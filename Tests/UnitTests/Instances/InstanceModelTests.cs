using CsCheck;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// Random sequences on one to five endpoints, with ejection thresholds, caps and breaker thresholds drawn at random:
/// attempts that fail or succeed, fast or slow, some held in flight and settled late, some retried away from an
/// endpoint, some sent to one instance in rotation; clock advances, resets, and changes of the resolved list. Every endpoint an
/// attempt goes to, every verdict the records give and every decision of the breaker is checked against the rules
/// below, as the contract states them; the records are not read between steps (a reading brings back the endpoints
/// whose time is over, which would hide a step that forgot to).
/// </summary>
public sealed class InstanceModelTests
{
    [Fact]
    public void RandomSequences_MatchTheContractsEndpointRulesAtEveryStep() =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 4], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 4].Select(i => new[] { 0, 20, 34, 50, 100 }[i]), Gen.Select(Gen.Int[0, 99], Gen.Int[0, 4095]).Array[1, 150])
            .Sample((count, threshold, ejectFailures, ejectSlow, percent, operations) =>
                new InstanceModel(count, threshold, ejectFailures, ejectSlow, percent).Play(operations), iter: 5_000);
}
