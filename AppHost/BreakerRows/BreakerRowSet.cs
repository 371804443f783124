namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>The gateway, the rows of its breakers, and the key their commands send.</summary>
internal sealed record BreakerRowSet(
    ProjectResource Gateway, IReadOnlyList<CircuitBreakerResource> Breakers, IResourceBuilder<ParameterResource> AdminKey);
