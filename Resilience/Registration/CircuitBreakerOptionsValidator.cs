using Microsoft.Extensions.Options;

namespace CircuitDemo.Resilience.Registration;

/// <summary>
/// Checks a breaker's options at start, through the options framework: every range the parts' attributes give
/// (<see cref="ServiceGuardOptionsRanges"/>, generated), and the options that must agree with each other. Every message
/// names the breaker (the options' name) and the option.
/// </summary>
internal sealed class CircuitBreakerOptionsValidator : IValidateOptions<ServiceGuardOptions>
{
    private readonly ServiceGuardOptionsRanges _ranges = new();

    public ValidateOptionsResult Validate(string? name, ServiceGuardOptions options)
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

        var (breaker, ejection) = (options.Breaker, options.Ejection);
        Check(
            breaker.MaxOpenDuration >= breaker.OpenDuration,
            $"MaxOpenDuration ({breaker.MaxOpenDuration}) must be at least OpenDuration ({breaker.OpenDuration}).");
        Check(
            ejection.MaxEjectionTime >= ejection.BaseEjectionTime,
            $"MaxEjectionTime ({ejection.MaxEjectionTime}) must be at least BaseEjectionTime ({ejection.BaseEjectionTime}).");

        // A call that takes its whole attempt timeout has timed out: it is a failure, never a slow success.
        Check(
            breaker.SlowCallDuration is not { } slowCall || slowCall < breaker.AttemptTimeout,
            $"SlowCallDuration ({breaker.SlowCallDuration}) must be less than AttemptTimeout ({breaker.AttemptTimeout}), or the slow-call rule "
                + $"could never see a slow call that succeeded.");

        // A hedge is sent while the first attempt is still waited on: its delay is less than the attempt timeout.
        var hedging = options.Hedging;
        Check(
            hedging.IsAuto || hedging.FixedDelay is { } fixedDelay && fixedDelay >= TimeSpan.Zero && fixedDelay < breaker.AttemptTimeout,
            $"HedgeDelay ('{hedging.HedgeDelay}') must be 'auto', 0 (no hedging) or a duration less than AttemptTimeout ({breaker.AttemptTimeout}).");
        return builder.Build();
    }
}

/// <summary>The ranges of every part's attributes, checked by a validator the options framework generates.</summary>
[OptionsValidator]
internal sealed partial class ServiceGuardOptionsRanges : IValidateOptions<ServiceGuardOptions>;
