using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Starts the collections of the three running systems longest-running first, and the rest after them: the fault
/// matrix's (its cases, then the soak, about two and a half minutes), the three-instance system's, the shared one's.
/// The systems start one at a time (<see cref="CircuitDemoApp.InitializeAsync"/>), so this is also the order in which
/// they become ready.
/// </summary>
public sealed class SystemStartOrder : ITestCollectionOrderer
{
    private static readonly string[] Order = [FaultMatrixSystem.Name, ThreeInstanceSystem.Name, SharedSystem.Name];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => Array.IndexOf(Order, collection.DisplayName) is var index and >= 0 ? index : Order.Length);
}
