namespace CircuitDemo.UnitTests.Instances;

/// <summary>The peak EWMA of an endpoint's latency: up at once on a slower call, down with time.</summary>
public sealed class LatencyEstimateTests
{
    private static readonly TimeSpan Decay = TimeSpan.FromSeconds(10);

    [Fact]
    public void ASlowerCall_SetsTheEstimateAtOnce()
    {
        var estimate = default(LatencyEstimate);
        estimate.Observe(TimeSpan.FromMilliseconds(5), TimeSpan.Zero, Decay);

        estimate.Observe(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1), Decay);

        Assert.Equal(600, estimate.At(TimeSpan.FromMilliseconds(1), Decay));
    }

    [Fact]
    public void WithoutCalls_TheEstimateDecaysByOneTimeConstantToAnEth()
    {
        var estimate = default(LatencyEstimate);
        estimate.Observe(TimeSpan.FromMilliseconds(600), TimeSpan.Zero, Decay);

        Assert.Equal(600 / Math.E, estimate.At(Decay, Decay), precision: 6);
        Assert.Equal(600 / Math.E / Math.E, estimate.At(2 * Decay, Decay), precision: 6);
    }

    [Fact]
    public void FasterCalls_LetItDecayTowardThem_AndHoldItThere()
    {
        // The rule, not its formula: one fast call a second; the estimate only comes down, never below the fast calls,
        // is down by an e-th after one time constant, and once the slow call has faded (600 ms / e^6 < 5 ms) it is theirs.
        var estimate = default(LatencyEstimate);
        estimate.Observe(TimeSpan.FromMilliseconds(600), TimeSpan.Zero, Decay);
        var seen = new List<double>();

        for (var second = 1; second <= 60; second++)
        {
            estimate.Observe(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(second), Decay);
            seen.Add(estimate.At(TimeSpan.FromSeconds(second), Decay));
        }

        Assert.Equal(seen.OrderByDescending(ms => ms), seen);
        Assert.All(seen, ms => Assert.True(ms >= 5, $"{ms} ms is below the calls' own 5 ms"));
        Assert.InRange(seen[9], 600 / Math.E - 0.01, 600 / Math.E + 0.01); // after 10 s, one time constant
        Assert.Equal(5, seen[^1]);
    }

    [Fact]
    public void TheFirstCall_IsTheEstimate()
    {
        var estimate = default(LatencyEstimate);

        estimate.Observe(TimeSpan.FromMilliseconds(12), TimeSpan.FromSeconds(100), Decay);

        Assert.Equal((true, 12.0), (estimate.HasValue, estimate.At(TimeSpan.FromSeconds(100), Decay)));
    }
}
