using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// Polly's own telemetry (its log lines and its meter) for the two events of a pipeline worth seeing: a retry and an
/// attempt timeout. The pipelines are built without Polly's telemetry listener, which would report two more events for
/// every call (executing, executed) and an attempt record for each, at about the cost of the breaker itself. Instead
/// the retry (<see cref="ReadRetryStrategy"/>) and the timeout (Polly's, from its OnTimeout callback) hand their events
/// to that listener, with the names and severities Polly's own strategies give them.
/// </summary>
internal sealed class PollyEvents(TelemetryListener polly, string pipelineName, string pipelineInstanceName)
{
    public const string RetryStrategyName = "read-retry";
    public const string TimeoutStrategyName = "attempt-timeout";

    private readonly ResilienceTelemetrySource _retry = new(pipelineName, pipelineInstanceName, RetryStrategyName);
    private readonly ResilienceTelemetrySource _timeout = new(pipelineName, pipelineInstanceName, TimeoutStrategyName);

    public ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        polly.Write(new TelemetryEventArguments<HttpResponseMessage, OnRetryArguments<HttpResponseMessage>>(
            _retry, new ResilienceEvent(ResilienceEventSeverity.Warning, "OnRetry"), args.Context, args, args.Outcome));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTimeout(OnTimeoutArguments args)
    {
        polly.Write(new TelemetryEventArguments<HttpResponseMessage, OnTimeoutArguments>(
            _timeout, new ResilienceEvent(ResilienceEventSeverity.Error, "OnTimeout"), args.Context, args, outcome: null));
        return ValueTask.CompletedTask;
    }
}
