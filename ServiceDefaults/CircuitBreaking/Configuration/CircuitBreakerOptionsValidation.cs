using Microsoft.Extensions.Options;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// The options framework's validation of a breaker's options (named by the breaker): every message names the breaker,
/// the option and its range (<see cref="CircuitBreakerOptionsValidator"/>).
/// </summary>
internal sealed class CircuitBreakerOptionsValidation : IValidateOptions<CircuitBreakerOptions>
{
    public ValidateOptionsResult Validate(string? name, CircuitBreakerOptions options) =>
        CircuitBreakerOptionsValidator.Validate(name ?? Options.DefaultName, options) is { Count: > 0 } errors
            ? ValidateOptionsResult.Fail(errors)
            : ValidateOptionsResult.Success;
}
