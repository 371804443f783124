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
/// A second running system, without the dashboard, for the fault matrix, the payments under faults (writes only: the
/// read breakers' shorter open duration here is nothing to them), the brownout and the chaos soak, one after another.
/// The matrix's cases spend their time waiting on open durations and attempt timeouts, not on the processor, so they
/// run beside the other systems' tests instead of after them; the soak keeps both cores busy for a minute, and a
/// system of its own would cost the suite another start.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultMatrixSystem : ICollectionFixture<FaultMatrixApp>
{
    public const string Name = "Fault matrix system";
}

/// <summary>A third running system, with three instances of payment-service, for the tests of one bad instance.</summary>
[CollectionDefinition(Name)]
public sealed class ThreeInstanceSystem : ICollectionFixture<ThreeInstanceApp>
{
    public const string Name = "Three-instance system";
}

/// <summary>
/// The tests that start processes of their own without an AppHost (plain gateways, the four projects logging at
/// Trace, the four without a key): one class at a time, not all at once beside the running systems. Started together
/// they put a dozen .NET processes on two cores in the first seconds of the run, while the fault matrix times its answers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlainProcesses
{
    public const string Name = "Plain processes";
}
