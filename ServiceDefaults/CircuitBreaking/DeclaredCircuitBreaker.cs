namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>A breaker the host declared with <see cref="CircuitBreakingExtensions.AddCircuitBreakers{TBuilder}"/>.</summary>
internal sealed record DeclaredCircuitBreaker(CircuitBreakerKey Key);
