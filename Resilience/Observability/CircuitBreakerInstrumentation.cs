using System.Diagnostics;

namespace CircuitDemo.Resilience.Observability;

/// <summary>What a host's OpenTelemetry set-up names to collect the breakers' metrics and traces.</summary>
public static class CircuitBreakerInstrumentation
{
    /// <summary>The meter of every breaker's metrics, and the activity source of its spans.</summary>
    public const string MeterName = CircuitBreakerTelemetry.MeterName;

    /// <summary>
    /// Copies the breaker's tags onto the HttpClient's own client span, whose parent is the breaker's span: the
    /// dashboard then shows the decision on the HTTP call too. Give it to the HttpClient instrumentation's
    /// <c>EnrichWithHttpRequestMessage</c>.
    /// </summary>
    public static void EnrichHttpClientSpan(Activity activity, HttpRequestMessage request)
    {
        if (activity.Parent is { } parent && parent.Source == CircuitBreakerTelemetry.Source)
        {
            activity.SetTag(CircuitBreakerTelemetry.NameTag, parent.GetTagItem(CircuitBreakerTelemetry.NameTag));
            activity.SetTag(CircuitBreakerTelemetry.StateTag, parent.GetTagItem(CircuitBreakerTelemetry.StateTag));
            activity.SetTag(CircuitBreakerTelemetry.DecisionTag, parent.GetTagItem(CircuitBreakerTelemetry.DecisionTag));
        }
    }
}
