using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.ServiceDefaults.CircuitBreaking;

/// <summary>
/// Makes every breaker visible: the state gauge (reported from start), transition and call counters, a span per
/// call tagged with the breaker's decision, and a log line per transition.
/// </summary>
internal sealed class CircuitBreakerTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string MeterName = CircuitDemo.Contracts.Telemetry.CircuitBreakerMeter;

    /// <summary>The span tag and metric tag that names the breaker.</summary>
    public const string NameTag = "circuit_breaker.name";

    /// <summary>The span tag with the breaker's state when it decided.</summary>
    public const string StateTag = "circuit_breaker.state";

    /// <summary>The span tag with the decision: allowed, probe or rejected.</summary>
    public const string DecisionTag = "circuit_breaker.decision";

    /// <summary>What turned a rejected call away: <c>circuit</c> (Open, HalfOpen without a slot, Isolated) or <c>limit</c>.</summary>
    public const string RejectedByTag = "circuit_breaker.rejected_by";

    /// <summary>Whether a completed call was slower than the slow-call duration (only with the slow-call rule on).</summary>
    public const string SlowTag = "circuit_breaker.slow";

    private const string OutcomeTag = "circuit_breaker.outcome";

    private static readonly ActivitySource Source = new(MeterName);

    // Each breaker's span name, built once: a call must not allocate a string just to be traced.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CircuitBreaker, string> SpanNames = [];

    private readonly Counter<long> _transitions;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _ejections;
    private readonly ILogger _logger;

    /// <summary>Creates the instruments and starts observing every breaker of the registry.</summary>
    public CircuitBreakerTelemetry(IMeterFactory meterFactory, CircuitBreakerRegistry registry, ILogger<CircuitBreakerTelemetry> logger)
    {
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "circuit_breaker.state",
            () => registry.All.Select(b => new Measurement<int>((int)b.State, new KeyValuePair<string, object?>(NameTag, b.Name))),
            unit: "{state}",
            description: "State of each circuit breaker: 0 Closed, 1 Open, 2 HalfOpen, 3 Isolated.");
        meter.CreateObservableGauge(
            "circuit_breaker.failure_count",
            () => registry.All.Select(b => new Measurement<int>(b.FailureCount, new KeyValuePair<string, object?>(NameTag, b.Name))),
            unit: "{failure}",
            description: "Consecutive failures within the failure window; the circuit opens when this reaches FailureThreshold.");
        _transitions = meter.CreateCounter<long>(
            "circuit_breaker.transitions",
            unit: "{transition}",
            description: "Changes of state, tagged with the breaker and the states before and after.");
        _calls = meter.CreateCounter<long>(
            "circuit_breaker.calls",
            unit: "{call}",
            description: "Calls through a breaker by outcome: success, failure or rejected.");
        _ejections = meter.CreateCounter<long>(
            CircuitDemo.Contracts.Telemetry.EjectionsInstrument,
            unit: "{ejection}",
            description: "Endpoints ejected from rotation, tagged with the breaker and the endpoint's server.address and server.port.");
        meter.CreateObservableGauge(
            CircuitDemo.Contracts.Telemetry.EjectedInstrument,
            () => registry.All.Select(b => new Measurement<int>(b.Endpoints.EjectedCount, new KeyValuePair<string, object?>(NameTag, b.Name))),
            unit: "{endpoint}",
            description: "Endpoints of each breaker's service out of rotation now.");
        registry.ObserveBreakers(breaker =>
        {
            breaker.StateChanged += OnStateChanged;
            breaker.EndpointChanged += OnEndpointChanged;
        });
    }

    /// <summary>Starts the span that wraps one call through <paramref name="breaker"/> (null when nobody listens).</summary>
    internal static Activity? StartCallActivity(CircuitBreaker breaker)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(SpanNames.GetValue(breaker, static b => "circuit_breaker " + b.Name), ActivityKind.Internal);
        activity?.SetTag(NameTag, breaker.Name);
        return activity;
    }

    /// <summary>
    /// A call the concurrency limit turned away: its own span (the breaker's was never started), decision
    /// <c>rejected</c> by the <c>limit</c>, and a rejection in the calls counter.
    /// </summary>
    internal void RecordLimitRejection(CircuitBreaker breaker)
    {
        using (var activity = StartCallActivity(breaker))
        {
            activity?.SetTag(DecisionTag, "rejected");
            activity?.SetTag(RejectedByTag, "limit");
            activity?.SetStatus(ActivityStatusCode.Error, $"Over the concurrency limit of circuit breaker {breaker.Name} ({breaker.Options.MaxConcurrentCalls})");
        }

        _calls.Add(1, new KeyValuePair<string, object?>(NameTag, breaker.Name), new KeyValuePair<string, object?>(OutcomeTag, "rejected"), new KeyValuePair<string, object?>(RejectedByTag, "limit"));
    }

    /// <summary>Tags the span with the decision; counts a rejection, whose span is an error.</summary>
    internal void RecordDecision(Activity? activity, CircuitBreaker breaker, in CircuitPermit permit)
    {
        if (activity is not null)
        {
            activity.SetTag(StateTag, permit.State.ToString());
            activity.SetTag(DecisionTag, DecisionName(permit.Decision));
        }

        if (!permit.IsAdmitted)
        {
            activity?.SetTag(RejectedByTag, "circuit");
            activity?.SetStatus(ActivityStatusCode.Error, $"Rejected by circuit breaker {breaker.Name} ({permit.State})");
            _calls.Add(1, new KeyValuePair<string, object?>(NameTag, breaker.Name), new KeyValuePair<string, object?>(OutcomeTag, "rejected"), new KeyValuePair<string, object?>(RejectedByTag, "circuit"));
        }
    }

    /// <summary>
    /// Counts an admitted call's outcome, tagged slow or not (<c>circuit_breaker.slow</c>, with the slow-call rule on);
    /// a failure marks its span as an error; a cancelled call is not counted.
    /// </summary>
    internal void RecordOutcome(Activity? activity, CircuitBreaker breaker, CallOutcome outcome, bool slow)
    {
        if (outcome == CallOutcome.Cancelled)
        {
            return;
        }

        var name = outcome == CallOutcome.Success ? "success" : "failure";
        activity?.SetTag(OutcomeTag, name);
        if (outcome is CallOutcome.Failure or CallOutcome.EndpointFailure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"The call through circuit breaker {breaker.Name} failed");
        }

        if (breaker.Options.SlowCallDuration is null)
        {
            _calls.Add(1, new KeyValuePair<string, object?>(NameTag, breaker.Name), new KeyValuePair<string, object?>(OutcomeTag, name));
            return;
        }

        activity?.SetTag(SlowTag, slow);
        _calls.Add(1, new KeyValuePair<string, object?>(NameTag, breaker.Name), new KeyValuePair<string, object?>(OutcomeTag, name), new KeyValuePair<string, object?>(SlowTag, slow));
    }

    /// <summary>
    /// Copies the breaker's tags onto the HttpClient's own client span, whose parent is the breaker's span: the
    /// dashboard then shows the decision on the HTTP call too.
    /// </summary>
    public static void EnrichHttpClientSpan(Activity activity, HttpRequestMessage request)
    {
        if (activity.Parent is { } parent && parent.Source == Source)
        {
            activity.SetTag(NameTag, parent.GetTagItem(NameTag));
            activity.SetTag(StateTag, parent.GetTagItem(StateTag));
            activity.SetTag(DecisionTag, parent.GetTagItem(DecisionTag));
        }
    }

    private static string DecisionName(CircuitDecision decision) => decision switch
    {
        CircuitDecision.Allowed => "allowed",
        CircuitDecision.Probe => "probe",
        _ => "rejected",
    };

    private void OnEndpointChanged(CircuitBreaker breaker, EndpointChange change)
    {
        if (change.State == EndpointState.Ejected)
        {
            var address = new Uri(change.Address);
            _ejections.Add(
                1,
                new KeyValuePair<string, object?>(NameTag, breaker.Name),
                new KeyValuePair<string, object?>("server.address", address.Host),
                new KeyValuePair<string, object?>("server.port", address.Port));
            CircuitBreakerLog.EndpointEjected(_logger, breaker.Name, change.Address, change.EjectedUntil, change.Reason);
        }
        else
        {
            CircuitBreakerLog.EndpointReturned(_logger, breaker.Name, change.Address, change.Reason);
        }
    }

    private void OnStateChanged(CircuitBreaker breaker, CircuitStateChange change)
    {
        _transitions.Add(
            1,
            new KeyValuePair<string, object?>(NameTag, breaker.Name),
            new KeyValuePair<string, object?>("circuit_breaker.from", change.From.ToString()),
            new KeyValuePair<string, object?>("circuit_breaker.to", change.To.ToString()));
        if (change.To == CircuitState.Open)
        {
            CircuitBreakerLog.Opened(_logger, breaker.Name, change.From, change.To, change.Reason);
        }
        else
        {
            CircuitBreakerLog.Changed(_logger, breaker.Name, change.From, change.To, change.Reason);
        }
    }
}
