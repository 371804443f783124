using System.Collections.Concurrent;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Every breaker of this process, one per downstream service and operation kind. The HttpClient handler asks it
/// for a request's breaker; the gateway reads it for status and drives isolate and reset; telemetry observes it.
/// Breakers for the services named in configuration exist from start, so status and gauges show them before any call.
/// </summary>
public sealed class CircuitBreakerRegistry
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _reads = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CircuitBreaker> _writes = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<CircuitBreaker>> _observers = [];
    private readonly Lock _createLock = new();
    private readonly CircuitBreakerOptionsResolver _optionsResolver;
    private readonly TimeProvider _time;
    private readonly Action<CircuitBreaker, Exception>? _onSubscriberError;

    /// <summary>Creates the registry and the breakers of every configured service (which validates their options).</summary>
    public CircuitBreakerRegistry(CircuitBreakerOptionsResolver optionsResolver, TimeProvider time, Action<CircuitBreaker, Exception>? onSubscriberError = null)
    {
        _optionsResolver = optionsResolver;
        _time = time;
        _onSubscriberError = onSubscriberError;
        foreach (var (service, hasWriteSection) in optionsResolver.ConfiguredServices())
        {
            Get(service, isWrite: false);
            if (hasWriteSection)
            {
                Get(service, isWrite: true);
            }
        }
    }

    /// <summary>All breakers, sorted by name.</summary>
    public IReadOnlyList<CircuitBreaker> All =>
        [.. _reads.Values.Concat(_writes.Values).OrderBy(b => b.Name, StringComparer.Ordinal)];

    /// <summary>The breaker of one service and operation kind, created on first use.</summary>
    public CircuitBreaker Get(string service, bool isWrite)
    {
        var breakers = isWrite ? _writes : _reads;
        return breakers.TryGetValue(service, out var breaker) ? breaker : Create(breakers, service, isWrite);
    }

    /// <summary>Finds a breaker by its full name (<c>payment-service</c> or <c>payment-service:write</c>).</summary>
    public CircuitBreaker? Find(string name)
    {
        var isWrite = name.EndsWith(CircuitBreakerNames.WriteSuffix, StringComparison.OrdinalIgnoreCase);
        var service = isWrite ? name[..^CircuitBreakerNames.WriteSuffix.Length] : name;
        return (isWrite ? _writes : _reads).GetValueOrDefault(service);
    }

    /// <summary>Calls <paramref name="observer"/> for every breaker that exists now and for each one created later, once each.</summary>
    public void ObserveBreakers(Action<CircuitBreaker> observer)
    {
        lock (_createLock)
        {
            _observers.Add(observer);
            foreach (var breaker in All)
            {
                observer(breaker);
            }
        }
    }

    // Creation is rare (once per service and kind), so one lock keeps it simple: two racing first calls create one
    // breaker, and an observer added meanwhile sees every breaker exactly once. Observers subscribe before the breaker
    // is published: until then nobody else can reach it, so no change of state can happen unobserved.
    private CircuitBreaker Create(ConcurrentDictionary<string, CircuitBreaker> breakers, string service, bool isWrite)
    {
        lock (_createLock)
        {
            if (breakers.TryGetValue(service, out var existing))
            {
                return existing;
            }

            var breaker = new CircuitBreaker(
                CircuitBreakerNames.For(service, isWrite),
                _optionsResolver.Resolve(service, isWrite),
                _time,
                _onSubscriberError);
            foreach (var observer in _observers)
            {
                observer(breaker);
            }

            breakers[service] = breaker;
            return breaker;
        }
    }
}
