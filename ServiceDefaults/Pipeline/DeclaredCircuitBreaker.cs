namespace CircuitDemo.ServiceDefaults.Pipeline;

/// <summary>A breaker the host declared with <see cref="CircuitBreakingExtensions.AddCircuitBreakers{TBuilder}"/>, by name.</summary>
internal sealed record DeclaredCircuitBreaker(string Name);
