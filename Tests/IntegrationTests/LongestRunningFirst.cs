using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Starts the collections of the four running systems longest-running first (the fault matrix, the chaos soak, the
/// three-instance system, then the shared system), and the rest after them. The systems start one at a time
/// (<see cref="CircuitDemoApp.InitializeAsync"/>), so this is also the order in which they become ready.
/// </summary>
public sealed class LongestRunningFirst : ITestCollectionOrderer
{
    private static readonly string[] Order = [FaultMatrixSystem.Name, SoakSystem.Name, ThreeInstanceSystem.Name, SharedSystem.Name];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => Array.IndexOf(Order, collection.DisplayName) is var index and >= 0 ? index : Order.Length);
}
