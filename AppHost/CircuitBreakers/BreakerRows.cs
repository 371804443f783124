namespace CircuitDemo.AppHost.CircuitBreakers;

/// <summary>The gateway, the rows of its breakers, and the key their commands send.</summary>
internal sealed record BreakerRows(ProjectResource Gateway, IReadOnlyList<CircuitBreakerResource> Breakers, IResourceBuilder<ParameterResource> AdminKey);
