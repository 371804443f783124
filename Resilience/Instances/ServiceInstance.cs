namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// One instance of a service as service discovery resolved it: its name (under the AppHost, its resource, such as
/// <c>payment-service-2</c>; on a cluster, its pod, such as <c>payment-service-0</c>) and its address.
/// </summary>
public sealed record ServiceInstance(string Name, Uri Address);
