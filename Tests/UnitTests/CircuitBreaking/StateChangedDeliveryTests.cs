namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// How changes of state reach their subscribers: in order, one at a time, a throwing subscriber isolated, a change made while one is delivered delivered after it.
/// </summary>
public class StateChangedDeliveryTests
{
    private static readonly CircuitBreakerOptions Options = TestBreakers.Options;

    [Fact]
    public void StateChanged_SubscriberThrows_TheCallGoesOnAndLaterSubscribersAreTold()
    {
        var reported = new List<Exception>();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestBreakers.Start);
        var breaker = new CircuitBreaker("test-service", Options, clock, (_, exception) => reported.Add(exception));
        breaker.DriveTo(clock, CircuitState.Open);
        var told = new List<(CircuitState, CircuitState)>();
        breaker.StateChanged += (_, _) => throw new InvalidOperationException("the logger is down");
        breaker.StateChanged += (_, change) => told.Add((change.From, change.To));
        clock.Advance(Options.OpenDuration);

        var probe = breaker.TryAcquire(); // Open -> HalfOpen is raised from here, to the throwing subscriber first
        breaker.Complete(probe, CallOutcome.Success);
        breaker.Succeed();

        Assert.Equal(CircuitDecision.Probe, probe.Decision);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal([(CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)], told);
        Assert.Equal(2, reported.Count);
        Assert.All(reported, e => Assert.Equal("the logger is down", e.Message));
    }

    [Fact]
    public void StateChanged_ErrorReporterThrowsToo_TheBreakerCarriesOn()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestBreakers.Start);
        var breaker = new CircuitBreaker("test-service", Options, clock, (_, _) => throw new InvalidOperationException("reporter"));
        breaker.StateChanged += (_, _) => throw new InvalidOperationException("subscriber");

        breaker.Fail(3);

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void StateChanged_ChangeMadeWhileAnotherIsBeingDelivered_IsDeliveredAfterItInOrder()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        using var firstDeliveryEntered = new ManualResetEventSlim();
        using var releaseFirstDelivery = new ManualResetEventSlim();
        var delivered = new List<(CircuitState From, CircuitState To)>();
        breaker.StateChanged += (_, change) =>
        {
            if (change.To == CircuitState.Isolated)
            {
                firstDeliveryEntered.Set();
                Assert.True(releaseFirstDelivery.Wait(TimeSpan.FromSeconds(10)), "the test never released the first delivery");
            }

            lock (delivered)
            {
                delivered.Add((change.From, change.To));
            }
        };

        var isolating = new Thread(() => breaker.Isolate());
        isolating.Start();
        Assert.True(firstDeliveryEntered.Wait(TimeSpan.FromSeconds(10)));
        breaker.Reset(); // returns at once: the isolating thread is delivering and will deliver this one too
        lock (delivered)
        {
            Assert.Empty(delivered);
        }

        releaseFirstDelivery.Set();
        isolating.Join();

        Assert.Equal([(CircuitState.Closed, CircuitState.Isolated), (CircuitState.Isolated, CircuitState.Closed)], delivered);
        Assert.Equal(delivered, breaker.GetStatus().StateChanges.Select(c => (c.From, c.To)));
    }

    [Fact]
    public void StateChanged_SubscriberCallsBackIntoTheBreaker_GetsItsOwnChangeAfterItReturns()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var delivered = new List<CircuitState>();
        breaker.StateChanged += (b, change) =>
        {
            delivered.Add(change.To);
            if (change.To == CircuitState.Isolated)
            {
                b.Reset("reset from a subscriber");
            }
        };

        breaker.Isolate();

        Assert.Equal([CircuitState.Isolated, CircuitState.Closed], delivered);
    }

    [Fact]
    public void StateChangeHistory_PastTwoBillionChanges_KeepsCountingAndKeepsOrder()
    {
        var history = new StateChangeHistory(alreadyRecorded: int.MaxValue - 2);

        for (var i = 0; i < 60; i++)
        {
            history.Add(new CircuitStateChange(TestBreakers.Start, CircuitState.Closed, CircuitState.Open, $"change {i}"));
        }

        Assert.Equal((long)int.MaxValue + 58, history.Count);
        Assert.Equal(Enumerable.Range(10, 50).Select(i => $"change {i}"), history.Recent().Select(c => c.Reason));
    }

    [Fact]
    public void StateChanges_CarryConsecutiveSequenceNumbers()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < 30; i++)
        {
            breaker.Isolate();
            breaker.Reset();
        }

        Assert.Equal(Enumerable.Range(11, 50).Select(i => (long)i), breaker.GetStatus().StateChanges.Select(c => c.Sequence));
    }
}
