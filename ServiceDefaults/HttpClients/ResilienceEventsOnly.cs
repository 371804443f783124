using Polly.Telemetry;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// Passes Polly's resilience events (a retry, a timeout, a failed attempt) on to Polly's own telemetry, so they are
/// logged and counted on Polly's meter, and drops the two events Polly raises around every execution (executing,
/// executed) and the attempt record of every call that needed nothing. Those cost about a microsecond a call and say
/// nothing the breaker's own <c>circuit_breaker.calls</c> counter does not.
/// </summary>
internal sealed class ResilienceEventsOnly(TelemetryListener polly) : TelemetryListener
{
    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        if (args.Event.Severity >= ResilienceEventSeverity.Warning)
        {
            polly.Write(in args);
        }
    }
}
