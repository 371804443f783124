using Microsoft.Extensions.Options;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// The options framework's factory for breaker options, named by breaker (<c>payment-service</c>,
/// <c>payment-service:write</c>): each starts from its configuration layers (<see cref="CircuitBreakerOptionsResolver"/>)
/// and then goes through the framework's configure, post-configure and <see cref="IValidateOptions{TOptions}"/> steps,
/// so <c>ValidateOnStart()</c> stops the host on a bad value.
/// </summary>
internal sealed class CircuitBreakerOptionsFactory(
    CircuitBreakerOptionsResolver resolver,
    IEnumerable<IConfigureOptions<CircuitBreakerOptions>> setups,
    IEnumerable<IPostConfigureOptions<CircuitBreakerOptions>> postConfigures,
    IEnumerable<IValidateOptions<CircuitBreakerOptions>> validations)
    : OptionsFactory<CircuitBreakerOptions>(setups, postConfigures, validations)
{
    protected override CircuitBreakerOptions CreateInstance(string name) => resolver.Resolve(CircuitBreakerKey.FromName(name));
}
