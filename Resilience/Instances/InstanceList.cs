using System.Collections;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// A service's instances as service discovery resolved them at one time, numbered in the order they were resolved: an
/// attempt that resolved a list and leases after another attempt brought a newer one must not take the records back.
/// </summary>
internal sealed class InstanceList(long version, ServiceInstance[] instances) : IReadOnlyList<ServiceInstance>
{
    /// <summary>Larger for a list resolved later, for the same service in the same process.</summary>
    public long Version => version;

    public int Count => instances.Length;

    public ServiceInstance this[int index] => instances[index];

    public IEnumerator<ServiceInstance> GetEnumerator() => ((IEnumerable<ServiceInstance>)instances).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => instances.GetEnumerator();
}
