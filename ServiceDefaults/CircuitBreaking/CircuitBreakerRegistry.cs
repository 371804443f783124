using System.Collections.Concurrent;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Every breaker of this process, one per downstream service and operation kind. The client pipeline asks it for a
/// request's breaker; the gateway reads it for status and drives isolate and reset; telemetry observes it. Breakers
/// named in configuration (or declared by the host) exist from start, so status and gauges show them before any call.
/// </summary>
public sealed class CircuitBreakerRegistry
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _reads = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CircuitBreaker> _writes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<CircuitBreakerKey, CircuitBreakerOptions> _options = new();
    private readonly HashSet<string> _guarded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<CircuitBreaker>> _observers = [];
    private readonly Lock _createLock = new();
    private readonly Func<CircuitBreakerKey, CircuitBreakerOptions> _optionsOf;
    private readonly TimeProvider _time;
    private readonly Action<CircuitBreaker, Exception>? _onSubscriberError;

    /// <summary>Creates the registry and the breakers that are declared or configured (which validates their options).</summary>
    /// <param name="optionsResolver">Reads each breaker's options from configuration.</param>
    /// <param name="time">The clock of every breaker.</param>
    /// <param name="declared">Breakers the host calls through, created now whether or not configuration names them.</param>
    /// <param name="onSubscriberError">Told when a subscriber to a breaker's changes throws.</param>
    /// <param name="optionsOf">Where each breaker's options come from (the options framework, in a host); the resolver's layers when null.</param>
    internal CircuitBreakerRegistry(
        CircuitBreakerOptionsResolver optionsResolver,
        TimeProvider time,
        IEnumerable<CircuitBreakerKey>? declared = null,
        Action<CircuitBreaker, Exception>? onSubscriberError = null,
        Func<CircuitBreakerKey, CircuitBreakerOptions>? optionsOf = null)
    {
        _optionsOf = optionsOf ?? optionsResolver.Resolve;
        _time = time;
        _onSubscriberError = onSubscriberError;
        foreach (var key in optionsResolver.ConfiguredBreakers().Concat(declared ?? []))
        {
            _guarded.Add(key.Service);
            Get(key);
        }
    }

    /// <summary>
    /// True for a service this process declared or configured breakers for: the only services whose calls
    /// ServiceDefaults' pipeline guards (a write breaker of such a service is created on its first write).
    /// </summary>
    public bool Guards(string service) => _guarded.Contains(service);

    /// <summary>All breakers, sorted by name.</summary>
    public IReadOnlyList<CircuitBreaker> All =>
        [.. _reads.Values.Concat(_writes.Values).OrderBy(b => b.Name, StringComparer.Ordinal)];

    /// <summary>The breaker of one service and operation kind, created on first use.</summary>
    internal CircuitBreaker Get(CircuitBreakerKey key)
    {
        var breakers = key.IsWrite ? _writes : _reads;
        return breakers.TryGetValue(key.Service, out var breaker) ? breaker : Create(breakers, key);
    }

    /// <summary>Finds a breaker by its full name (<c>payment-service</c> or <c>payment-service:write</c>); never creates one.</summary>
    public CircuitBreaker? Find(string name)
    {
        var key = CircuitBreakerKey.FromName(name);
        return (key.IsWrite ? _writes : _reads).GetValueOrDefault(key.Service);
    }

    /// <summary>
    /// The options that apply to calls of <paramref name="key"/>, without creating its breaker: a call that bypasses
    /// the breaker (a control-plane call) still has an attempt timeout and a response size limit.
    /// </summary>
    internal CircuitBreakerOptions OptionsFor(CircuitBreakerKey key) =>
        (key.IsWrite ? _writes : _reads).TryGetValue(key.Service, out var breaker)
            ? breaker.Options
            : _options.GetOrAdd(key, _optionsOf);

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
    private CircuitBreaker Create(ConcurrentDictionary<string, CircuitBreaker> breakers, CircuitBreakerKey key)
    {
        lock (_createLock)
        {
            if (breakers.TryGetValue(key.Service, out var existing))
            {
                return existing;
            }

            var breaker = new CircuitBreaker(key.Name, _optionsOf(key), _time, _onSubscriberError);
            foreach (var observer in _observers)
            {
                observer(breaker);
            }

            breakers[key.Service] = breaker;
            return breaker;
        }
    }
}
