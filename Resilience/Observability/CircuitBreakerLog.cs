using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.Resilience.Observability;

/// <summary>The breakers' log messages, source-generated.</summary>
internal static partial class CircuitBreakerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Circuit breaker {BreakerName} opened: {FromState} -> {ToState} ({Reason})")]
    public static partial void Opened(ILogger logger, string breakerName, CircuitState fromState, CircuitState toState, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Circuit breaker {BreakerName} changed state: {FromState} -> {ToState} "
        + "({Reason})")]
    public static partial void Changed(ILogger logger, string breakerName, CircuitState fromState, CircuitState toState, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A subscriber to circuit breaker {BreakerName}'s changes threw; the breaker "
        + "carries on")]
    public static partial void SubscriberFailed(ILogger logger, string breakerName, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Circuit breaker {BreakerName} ejected instance {Instance} ({Address}) until "
        + "{EjectedUntil:O} ({Reason})")]
    public static partial void InstanceEjected(
        ILogger logger, string breakerName, string instance, string address, DateTimeOffset? ejectedUntil, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Circuit breaker {BreakerName} took instance {Instance} ({Address}) back "
        + "into rotation ({Reason})")]
    public static partial void InstanceReturned(ILogger logger, string breakerName, string instance, string address, string reason);
}
