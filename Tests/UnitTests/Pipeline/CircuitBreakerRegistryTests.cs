namespace CircuitDemo.UnitTests.Pipeline;

public class CircuitBreakerRegistryTests
{
    [Fact]
    public void Create_TheGuardIsToldOfBeforeItCanBeReached()
    {
        // If another thread could reach a new breaker before the telemetry subscribed, a change of state in that gap
        // would never reach the counters or the log.
        CircuitBreakerRegistry? registry = null;
        var reachableWhenCreated = new List<bool>();
        registry = new CircuitBreakerRegistry([], _ => new ServiceGuardOptions(), TimeProvider.System, created: guard => reachableWhenCreated.Add(registry!.Find(guard.Name) is not null));

        registry.Guard(new("payment-service", IsWrite: false));
        registry.Guard(new("payment-service", IsWrite: true));

        Assert.Equal([false, false], reachableWhenCreated);
    }

    [Fact]
    public void Create_ChangeMadeTheMomentABreakerAppears_ReachesEveryObserver()
    {
        var registry = new CircuitBreakerRegistry([], _ => new ServiceGuardOptions(), TimeProvider.System);
        var observed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        registry.ObserveChanges((name, change) => observed.Enqueue($"{name}:{change.To}"), (_, _) => { });

        Race.Run(Race.Threads, rounds: 50, beforeRound: _ => { }, body: (thread, round) =>
            registry.Isolate(registry.Guard(new($"service-{round}", IsWrite: thread % 2 == 0)).Name));

        Assert.Equal(100, observed.Count);
        Assert.Equal(100, observed.Distinct().Count());
    }

    [Fact]
    public void SubscriberThrows_IsReportedAndTheBreakerCarriesOn()
    {
        var reported = new List<string>();
        var registry = new CircuitBreakerRegistry(["user-service"], _ => new ServiceGuardOptions(), TimeProvider.System, onSubscriberError: (breaker, exception) => reported.Add($"{breaker}: {exception.Message}"));
        registry.ObserveChanges((_, _) => throw new InvalidOperationException("boom"), (_, _) => { });

        registry.Isolate("user-service");
        var after = registry.Reset("user-service");

        Assert.Equal(CircuitState.Closed, after!.State);
        Assert.Equal(["user-service: boom", "user-service: boom"], reported);
    }

    [Fact]
    public void Reset_ClosesTheBreakerAndBringsEveryEndpointBack()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestBreakers.Start);
        var registry = new CircuitBreakerRegistry(["user-service"], _ => new ServiceGuardOptions { Breaker = TestBreakers.Options, Ejection = new() { EjectionConsecutiveFailures = 1 } }, time);
        var guard = registry.Guard(new("user-service", IsWrite: false));
        guard.Breaker.Isolate();
        guard.Instances.Lease(TestInstances.Three).Settle(CallOutcome.Failure, TimeSpan.Zero, slow: false);
        Assert.Equal(1, guard.Instances.EjectedCount);

        var after = registry.Reset("user-service")!;

        Assert.Equal(CircuitState.Closed, after.State);
        Assert.All(after.Endpoints, e => Assert.Equal((EndpointState.Active, 0), (e.State, e.Ejections)));
    }

    [Fact]
    public void UnknownBreaker_IsNeitherCreatedNorControlled()
    {
        var registry = new CircuitBreakerRegistry(["user-service"], _ => new ServiceGuardOptions(), TimeProvider.System);

        Assert.Null(registry.Isolate("order-service"));
        Assert.Null(registry.Reset("order-service"));
        Assert.Null(registry.Status("order-service"));
        Assert.Equal(["user-service"], registry.Statuses().Select(s => s.Name));
    }
}
