namespace CircuitDemo.IntegrationTests;

/// <summary>
/// One running system shared by the test classes that only need the standard configuration; each test starts with
/// <see cref="CircuitDemoApp.ResetAsync"/>, so they do not depend on each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedSystem : ICollectionFixture<CircuitDemoApp>
{
    public const string Name = "Shared system";
}
