namespace CircuitDemo.IntegrationTests;

/// <summary>
/// The running system most whole-system tests share, one test at a time; each test starts with
/// <see cref="CircuitDemoApp.ResetAsync"/>, so they do not depend on each other or on their order.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedSystem : ICollectionFixture<CircuitDemoApp>
{
    public const string Name = "Shared system";
}

/// <summary>
/// A second running system for the fault matrix alone. Its cases spend their time waiting on open durations and
/// attempt timeouts, not on the processor, so they run beside the shared system's tests instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultMatrixSystem : ICollectionFixture<FaultMatrixApp>
{
    public const string Name = "Fault matrix system";
}

/// <summary>
/// A third running system for the load tests: the chaos soak, whose chaos breaks every service at random, and the
/// payments under faults. Neither looks at the dashboard.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LoadSystem : ICollectionFixture<HeadlessCircuitDemoApp>
{
    public const string Name = "Load system";
}
