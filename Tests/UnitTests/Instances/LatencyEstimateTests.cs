namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// An instance's latency estimate: a peak EWMA of its answered calls (up at once on a slower call, down with time), and
/// a penalty for failures and for the first, cold call, which fades ten times faster (docs/pattern.md, "Instances, and
/// ejecting a bad one").
/// </summary>
public sealed class LatencyEstimateTests
{
    private static readonly TimeSpan Decay = TimeSpan.FromSeconds(10);

    [Fact]
    public void ASlowerCall_SetsTheLatencyAtOnce()
    {
        var estimate = Warm(TimeSpan.FromMilliseconds(5));

        estimate.Observe(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1), Decay);

        Assert.Equal(600, estimate.LatencyAt(TimeSpan.FromMilliseconds(1), Decay));
    }

    [Fact]
    public void WithoutCalls_TheLatencyDecaysByOneTimeConstantToAnEth()
    {
        var estimate = Warm(TimeSpan.FromMilliseconds(600));

        Assert.Equal(600 / Math.E, estimate.LatencyAt(Decay, Decay), precision: 6);
        Assert.Equal(600 / Math.E / Math.E, estimate.LatencyAt(2 * Decay, Decay), precision: 6);
    }

    [Fact]
    public void FasterCalls_LetItDecayTowardThem_AndHoldItThere()
    {
        // The rule, not its formula: one fast call a second; the latency only comes down, never below the fast calls,
        // is down by an e-th after one time constant, and once the slow call has faded (600 ms / e^6 < 5 ms) it is theirs.
        var estimate = Warm(TimeSpan.FromMilliseconds(600));
        var seen = new List<double>();

        for (var second = 1; second <= 60; second++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(second), Decay);
            seen.Add(estimate.LatencyAt(TimeSpan.FromSeconds(second), Decay));
        }

        Assert.Equal(seen.OrderByDescending(ms => ms), seen);
        Assert.All(seen, ms => Assert.True(ms >= 5, $"{ms} ms is below the calls' own 5 ms"));
        Assert.InRange(seen[9], 600 / Math.E - 0.01, 600 / Math.E + 0.01); // after 10 s, one time constant
        Assert.Equal(5, seen[^1]);
    }

    [Fact]
    public void TheFirstCall_IsAPenalty_NotALatency_AndFadesInATenthOfTheTime()
    {
        var estimate = default(LatencyEstimate);

        estimate.Observe(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(100), Decay);

        Assert.False(estimate.HasLatency);
        Assert.Equal(300, estimate.PenaltyAt(TimeSpan.FromSeconds(100), Decay));
        Assert.Equal(300 / Math.E, estimate.PenaltyAt(TimeSpan.FromSeconds(100) + (Decay / 10), Decay), precision: 6);
    }

    [Fact]
    public void AFailure_ChargesThePenalty_AndLeavesTheLatency()
    {
        var estimate = Warm(TimeSpan.FromMilliseconds(5));

        estimate.Penalize(TimeSpan.FromSeconds(2.5), TimeSpan.Zero, Decay);

        Assert.Equal((5.0, 2500.0), (estimate.LatencyAt(TimeSpan.Zero, Decay), estimate.PenaltyAt(TimeSpan.Zero, Decay)));
        Assert.Equal(2500 / Math.E, estimate.PenaltyAt(Decay / 10, Decay), precision: 6);
    }

    // An estimate past its first, cold call, whose latency is now one call of the given duration, at time zero.
    private static LatencyEstimate Warm(TimeSpan latency)
    {
        var estimate = default(LatencyEstimate);
        estimate.Observe(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, Decay);
        estimate.Observe(latency, TimeSpan.Zero, Decay);
        return estimate;
    }
}
