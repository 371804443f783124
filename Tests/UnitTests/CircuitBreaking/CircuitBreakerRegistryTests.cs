using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.UnitTests.CircuitBreaking;

public class CircuitBreakerRegistryTests
{
    [Fact]
    public void Create_ObserversRunBeforeTheBreakerCanBeReached()
    {
        // If another thread could reach a new breaker before its observers subscribed, a change of state in that gap
        // would never reach the counters or the log.
        var registry = new CircuitBreakerRegistry(Resolver(), TimeProvider.System);
        var reachableWhileObserved = new List<bool>();
        registry.ObserveBreakers(breaker => reachableWhileObserved.Add(registry.Find(breaker.Name) is not null));

        registry.Get(new("payment-service", IsWrite: false));
        registry.Get(new("payment-service", IsWrite: true));

        Assert.Equal([false, false], reachableWhileObserved);
    }

    [Fact]
    public void Create_ChangeMadeTheMomentABreakerAppears_ReachesEveryObserver()
    {
        var registry = new CircuitBreakerRegistry(Resolver(), TimeProvider.System);
        var observed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        registry.ObserveBreakers(breaker => breaker.StateChanged += (b, change) => observed.Enqueue($"{b.Name}:{change.To}"));

        Race.Run(Race.Threads, rounds: 50, beforeRound: _ => { }, body: (thread, round) =>
            registry.Get(new($"service-{round}", IsWrite: thread % 2 == 0)).Isolate());

        Assert.Equal(100, observed.Count);
        Assert.Equal(100, observed.Distinct().Count());
    }

    [Fact]
    public void SubscriberThrows_IsReportedAndTheBreakerCarriesOn()
    {
        var reported = new List<string>();
        var registry = new CircuitBreakerRegistry(Resolver(), TimeProvider.System, onSubscriberError: (breaker, exception) => reported.Add($"{breaker.Name}: {exception.Message}"));
        registry.ObserveBreakers(breaker => breaker.StateChanged += (_, _) => throw new InvalidOperationException("boom"));

        var breaker = registry.Get(new("user-service", IsWrite: false));
        breaker.Isolate();
        breaker.Reset();

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(["user-service: boom", "user-service: boom"], reported);
    }

    private static CircuitBreakerOptionsResolver Resolver() => new(new ConfigurationBuilder().Build());
}
