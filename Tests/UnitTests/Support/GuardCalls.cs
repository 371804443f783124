using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Support;

/// <summary>Guards on a fake clock, and calls through them in the order the attempt takes its steps.</summary>
internal static class GuardCalls
{
    /// <summary>A guard whose breaker has <paramref name="breaker"/>'s options and the default ejection.</summary>
    public static (ServiceGuard Guard, FakeTimeProvider Clock) Create(CircuitBreakerOptions breaker) => Create(new ServiceGuardOptions { Breaker = breaker });

    public static (ServiceGuard Guard, FakeTimeProvider Clock) Create(ServiceGuardOptions options)
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        return (new ServiceGuard("payment-service", options, clock, onSubscriberError: null), clock);
    }

    /// <summary>
    /// One call: the breaker's permit, an endpoint (<paramref name="target"/>, or the lighter of two), the
    /// outcome that endpoint gives after <paramref name="duration"/> on the clock, settled, the permit completed. Returns
    /// the endpoint, or null when the breaker rejected the call.
    /// </summary>
    public static ServiceInstance? Call(
        this ServiceGuard guard, IReadOnlyList<ServiceInstance> instances, Func<ServiceInstance, CallOutcome> outcomeOf,
        FakeTimeProvider? clock = null, TimeSpan duration = default, ServiceInstance? target = null, Uri? avoid = null)
    {
        var permit = guard.Breaker.TryAcquire();
        if (!permit.IsAdmitted)
        {
            return null;
        }

        var lease = target is null ? guard.Instances.Lease(instances, avoid) : guard.Instances.LeaseExactly(instances, target.Address);
        var instance = instances.First(i => i.Address == lease.Address);
        clock?.Advance(duration);
        var counted = lease.Settle(outcomeOf(instance), duration, guard.Breaker.IsSlow(duration));
        guard.Breaker.Complete(permit, counted.Outcome, counted.Slow);
        return instance;
    }

    /// <summary>A call sent to <paramref name="target"/> whatever the choice would be.</summary>
    public static void CallOn(this ServiceGuard guard, IReadOnlyList<ServiceInstance> instances, ServiceInstance target, CallOutcome outcome, FakeTimeProvider? clock = null, TimeSpan duration = default) =>
        Assert.Equal(target, guard.Call(instances, _ => outcome, clock, duration, target));

    /// <summary>A lease of <paramref name="target"/>, not yet settled.</summary>
    public static InstanceLease LeaseOn(this InstanceRecords records, IReadOnlyList<ServiceInstance> instances, ServiceInstance target) =>
        records.LeaseExactly(instances, target.Address);

    public static EndpointStatus Status(this ServiceGuard guard, ServiceInstance instance) =>
        guard.Instances.Snapshot().Single(e => e.Name == instance.Name);

    /// <summary>
    /// One fast call to each of <paramref name="targets"/>: an instance's first answered call is taken as cold (a penalty
    /// that fades fast, not a latency), so a test of latencies starts from instances past it.
    /// </summary>
    public static void Warm(this ServiceGuard guard, IReadOnlyList<ServiceInstance> instances, FakeTimeProvider clock, params ServiceInstance[] targets)
    {
        foreach (var target in targets)
        {
            guard.CallOn(instances, target, CallOutcome.Success, clock, TimeSpan.FromMilliseconds(1));
        }
    }
}
