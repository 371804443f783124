using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using Microsoft.Extensions.Options;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Checks a breaker's options at start, through the options framework: every range the options' attributes give
/// (<see cref="CircuitBreakerOptionsRanges"/>, generated), and the options that must agree with each other. Every message
/// names the breaker (the options' name) and the option.
/// </summary>
internal sealed class CircuitBreakerOptionsValidator : IValidateOptions<CircuitBreakerOptions>
{
    private readonly CircuitBreakerOptionsRanges _ranges = new();

    public ValidateOptionsResult Validate(string? name, CircuitBreakerOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_ranges.Validate(name, options));
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                builder.AddError($"Circuit breaker '{name}': {message}");
            }
        }

        Check(options.MaxOpenDuration >= options.OpenDuration, $"MaxOpenDuration ({options.MaxOpenDuration}) must be at least OpenDuration ({options.OpenDuration}).");
        Check(options.MaxEjectionTime >= options.BaseEjectionTime, $"MaxEjectionTime ({options.MaxEjectionTime}) must be at least BaseEjectionTime ({options.BaseEjectionTime}).");

        // A call that takes its whole attempt timeout has timed out: it is a failure, never a slow success.
        Check(
            options.SlowCallDuration is not { } slowCall || slowCall < options.AttemptTimeout,
            $"SlowCallDuration ({options.SlowCallDuration}) must be less than AttemptTimeout ({options.AttemptTimeout}), or the slow-call rule could never see a slow call that succeeded.");
        return builder.Build();
    }
}

/// <summary>The ranges of <see cref="CircuitBreakerOptions"/>' attributes, checked by a validator the options framework generates.</summary>
[OptionsValidator]
internal sealed partial class CircuitBreakerOptionsRanges : IValidateOptions<CircuitBreakerOptions>;
