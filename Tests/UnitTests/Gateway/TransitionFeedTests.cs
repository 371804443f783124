using CircuitDemo.Gateway.CircuitBreakers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Gateway;

/// <summary>
/// The feed behind <c>/circuit-breakers/stream</c>: every change of every breaker to every reader, in order; at most
/// <c>MaxStreams</c> readers; a reader that falls too far behind is ended rather than left missing changes.
/// </summary>
public sealed class TransitionFeedTests
{
    private readonly FakeTimeProvider _clock = new(TestBreakers.Start);
    private readonly CircuitBreakerRegistry _registry;

    public TransitionFeedTests() =>
        _registry = new CircuitBreakerRegistry(["payment-service"], _ => new ServiceGuardOptions { Breaker = TestBreakers.Options }, _clock);

    [Fact]
    public void EveryReader_GetsEveryChange_InTheOrderTheBreakerMadeIt()
    {
        var feed = Feed(maxStreams: 2);
        using var first = feed.TrySubscribe()!;
        using var second = feed.TrySubscribe()!;
        var breaker = _registry.Guard(new("payment-service", IsWrite: false)).Breaker;

        breaker.Isolate();
        breaker.Reset();

        foreach (var reader in new[] { first, second })
        {
            Assert.Equal([CircuitState.Isolated, CircuitState.Closed], Drain(reader).Select(c => ((CircuitStateChange)c.Change).To));
        }
    }

    [Fact]
    public void AnInstanceEjected_IsFedToo()
    {
        var feed = Feed(maxStreams: 1);
        using var reader = feed.TrySubscribe()!;
        var guard = _registry.Guard(new("payment-service", IsWrite: false));
        guard.Instances.LeaseExactly(TestInstances.Three, TestInstances.A.Address).Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
        for (var i = 0; i < 3; i++)
        {
            guard.Instances.LeaseExactly(TestInstances.Three, TestInstances.B.Address).Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);
        }

        var change = Assert.IsType<InstanceChange>(Assert.Single(Drain(reader)).Change);
        Assert.Equal((TestInstances.B.Name, EndpointState.Ejected), (change.Name, change.State));
    }

    [Fact]
    public void ReadersBeyondTheCap_AreRefused_AndAReaderDisposedFreesItsPlace()
    {
        var feed = Feed(maxStreams: 1);
        var first = feed.TrySubscribe();

        Assert.NotNull(first);
        Assert.Null(feed.TrySubscribe());
        first.Dispose();
        Assert.NotNull(feed.TrySubscribe());
    }

    [Fact]
    public void AReaderTooFarBehind_IsEnded_NotLeftMissingChanges()
    {
        var feed = Feed(maxStreams: 1);
        using var reader = feed.TrySubscribe()!;
        var breaker = _registry.Guard(new("payment-service", IsWrite: false)).Breaker;

        for (var i = 0; i < 600; i++)
        {
            breaker.Isolate();
            breaker.Reset();
        }

        Drain(reader);
        Assert.True(reader.Changes.Completion.IsFaulted, "the reader's stream should have ended");
    }

    private TransitionFeed Feed(int maxStreams) =>
        new(_registry, Options.Create(new CircuitBreakerStreamOptions { MaxStreams = maxStreams }));

    private static List<(string Breaker, object Change)> Drain(TransitionFeed.Reader reader)
    {
        var changes = new List<(string, object)>();
        while (reader.Changes.TryRead(out var change))
        {
            changes.Add(change);
        }

        return changes;
    }
}
