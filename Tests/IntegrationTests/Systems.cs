namespace CircuitDemo.IntegrationTests;

/// <summary>
/// The one running system every whole-system test shares, one test at a time; each test starts with
/// <see cref="CircuitDemoApp.ResetAsync"/>, so they do not depend on each other or on their order.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedSystem : ICollectionFixture<CircuitDemoApp>
{
    public const string Name = "Shared system";
}
