using System.Collections.Concurrent;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Pipeline;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Every breaker of this process, one per downstream service and operation kind, each composed with the records of its
/// service's instances (a <see cref="ServiceGuard"/>). The client pipeline asks it for a request's guard; the gateway
/// reads it for status, drives isolate and reset, and follows its changes. Breakers named in configuration (or declared
/// by the host) exist from start, so status and gauges show them before any call.
/// </summary>
public sealed class CircuitBreakerRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ServiceGuard> _guards = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _guarded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(Action<string, CircuitStateChange> OnState, Action<string, InstanceChange> OnInstance)> _observers = [];
    private readonly Lock _createLock = new();
    private readonly Func<string, ServiceGuardOptions> _optionsOf;
    private readonly TimeProvider _time;
    private readonly Action<ServiceGuard>? _created;
    private readonly Action<string, Exception>? _onSubscriberError;

    /// <summary>Creates the registry and the breakers that are declared (which are the services it guards).</summary>
    /// <param name="declared">The breakers the host calls through, by name; their services are the ones guarded.</param>
    /// <param name="optionsOf">Each breaker's options, by its name (the options framework's, in a host).</param>
    /// <param name="time">The clock of every breaker and its instance records.</param>
    /// <param name="created">Told of every guard as it is created, before anyone else can reach it (the telemetry).</param>
    /// <param name="onSubscriberError">Told when a subscriber to a breaker's changes throws.</param>
    internal CircuitBreakerRegistry(
        IEnumerable<string> declared,
        Func<string, ServiceGuardOptions> optionsOf,
        TimeProvider time,
        Action<ServiceGuard>? created = null,
        Action<string, Exception>? onSubscriberError = null)
    {
        _optionsOf = optionsOf;
        _time = time;
        _created = created;
        _onSubscriberError = onSubscriberError;
        foreach (var key in declared.Select(CircuitBreakerKey.FromName))
        {
            _guarded.Add(key.Service);
            Guard(key);
        }
    }

    /// <summary>
    /// True for a service this process declared breakers for: the only services whose calls ServiceDefaults' pipeline
    /// guards (a write breaker of such a service is created on its first write).
    /// </summary>
    public bool Guards(string service) => _guarded.Contains(service);

    /// <summary>Every breaker's status with its instances, sorted by name.</summary>
    public IReadOnlyList<ServiceBreakerStatus> Statuses() => [.. All.Select(guard => guard.Status())];

    /// <summary>One breaker's status by its full name (<c>payment-service</c> or <c>payment-service:write</c>); null when there is none.</summary>
    public ServiceBreakerStatus? Status(string name) => Find(name)?.Status();

    /// <summary>Opens a breaker by hand until it is reset; its status after, or null when there is no such breaker.</summary>
    public ServiceBreakerStatus? Isolate(string name) => Control(name, static guard => guard.Breaker.Isolate());

    /// <summary>Closes a breaker and brings its every instance back; its status after, or null when there is no such breaker.</summary>
    public ServiceBreakerStatus? Reset(string name) => Control(name, static guard => guard.Reset());

    /// <summary>
    /// Calls the observers with every change of state and every instance ejected or back, of every breaker that exists
    /// now and of each one created later, in the order each breaker made them, never under a lock.
    /// </summary>
    public void ObserveChanges(Action<string, CircuitStateChange> onState, Action<string, InstanceChange> onInstance)
    {
        lock (_createLock)
        {
            _observers.Add((onState, onInstance));
            foreach (var guard in All)
            {
                Subscribe(guard, onState, onInstance);
            }
        }
    }

    /// <summary>Every guard, sorted by name.</summary>
    internal IReadOnlyList<ServiceGuard> All => [.. _guards.Values.OrderBy(g => g.Name, StringComparer.Ordinal)];

    /// <summary>The guard of one service and operation kind, created on first use.</summary>
    internal ServiceGuard Guard(CircuitBreakerKey key) => _guards.TryGetValue(key.Name, out var guard) ? guard : Create(key);

    /// <summary>The guard of a breaker by its full name; never creates one.</summary>
    internal ServiceGuard? Find(string name) => _guards.GetValueOrDefault(name);

    /// <summary>The options of a breaker, by its name, whether or not it exists (a call that bypasses it still has them).</summary>
    internal ServiceGuardOptions OptionsFor(CircuitBreakerKey key) =>
        _guards.TryGetValue(key.Name, out var guard) ? guard.Options : _optionsOf(key.Name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var guard in _guards.Values)
        {
            guard.Dispose();
        }
    }

    private ServiceBreakerStatus? Control(string name, Action<ServiceGuard> command)
    {
        if (Find(name) is not { } guard)
        {
            return null;
        }

        command(guard);
        return guard.Status();
    }

    // Creation is rare (once per service and kind), so one lock keeps it simple: two racing first calls create one
    // guard, and an observer added meanwhile sees every guard exactly once. Observers subscribe before the guard is
    // published: until then nobody else can reach it, so no change can happen unobserved.
    private ServiceGuard Create(CircuitBreakerKey key)
    {
        lock (_createLock)
        {
            if (_guards.TryGetValue(key.Name, out var existing))
            {
                return existing;
            }

            var guard = new ServiceGuard(key.Name, _optionsOf(key.Name), _time, _onSubscriberError);
            _created?.Invoke(guard);
            foreach (var (onState, onInstance) in _observers)
            {
                Subscribe(guard, onState, onInstance);
            }

            _guards[key.Name] = guard;
            return guard;
        }
    }

    private static void Subscribe(ServiceGuard guard, Action<string, CircuitStateChange> onState, Action<string, InstanceChange> onInstance)
    {
        guard.Breaker.StateChanged += (breaker, change) => onState(breaker.Name, change);
        guard.Instances.Changed += (records, change) => onInstance(records.Name, change);
    }
}
