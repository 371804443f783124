using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Observability;

/// <summary>
/// The last calls Explain lists: the calls that were sent stay in view however many rejections follow them (an open
/// breaker rejects many a second); the rejections since the last sent call are counted apart, with the last one's time.
/// </summary>
public sealed class RecentCallsTests
{
    private readonly FakeTimeProvider _clock = new(TestBreakers.Start);

    [Fact]
    public void RejectionsAfterTheCallsThatOpenedIt_AreCountedApart_AndThoseCallsStayInView()
    {
        var recent = new RecentCalls(_clock);
        recent.Add("payment-service", CallOutcome.Failure, slow: false, TimeSpan.FromMilliseconds(12));
        recent.Add("payment-service-2", CallOutcome.Failure, slow: false, TimeSpan.FromMilliseconds(15));

        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(20));
            recent.Add(null, CallOutcome.Rejected, slow: false, TimeSpan.Zero);
        }

        Assert.Equal([("payment-service", "failure"), ("payment-service-2", "failure")], recent.Snapshot().Select(c => (c.Instance, c.Outcome)));
        Assert.Equal(new RejectedCalls(50, TestBreakers.Start + TimeSpan.FromSeconds(1)), recent.RejectedSince());
    }

    [Fact]
    public void ACallSent_StartsTheCountOfRejectionsAgain()
    {
        var recent = new RecentCalls(_clock);
        recent.Add(null, CallOutcome.Rejected, slow: false, TimeSpan.Zero);

        recent.Add("payment-service", CallOutcome.Success, slow: true, TimeSpan.FromMilliseconds(1300));

        Assert.Null(recent.RejectedSince());
        Assert.Equal(("success", true), (recent.Snapshot().Single().Outcome, recent.Snapshot().Single().Slow));
    }

    [Fact]
    public void OnlyTheLastTenSentCalls_AreKept_OldestFirst()
    {
        var recent = new RecentCalls(_clock);
        for (var i = 0; i < 25; i++)
        {
            recent.Add($"instance-{i}", CallOutcome.Success, slow: false, TimeSpan.FromMilliseconds(i));
        }

        Assert.Equal(Enumerable.Range(15, 10).Select(i => $"instance-{i}"), recent.Snapshot().Select(c => c.Instance));
    }
}
