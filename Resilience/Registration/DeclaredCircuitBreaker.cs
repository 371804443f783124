using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;

namespace CircuitDemo.Resilience.Registration;

/// <summary>A breaker the host declared with <see cref="CircuitBreakingExtensions.AddCircuitBreakers{TBuilder}"/>, by name.</summary>
internal sealed record DeclaredCircuitBreaker(string Name);
