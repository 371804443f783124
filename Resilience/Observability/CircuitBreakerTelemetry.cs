using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Registration;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.Resilience.Observability;

/// <summary>
/// Makes every breaker visible: the state gauge (reported from start), transition and call counters, a span per call
/// tagged with the breaker's decision, the instances' ejections (a counter, a gauge of those out now, and a counter of
/// those the cap refused), and a log line per transition and per ejection. Told of each breaker as it is created.
/// </summary>
internal sealed partial class CircuitBreakerTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string MeterName = Contracts.Telemetry.CircuitBreakerMeter;

    /// <summary>The span tag and metric tag that names the breaker.</summary>
    public const string NameTag = "circuit_breaker.name";

    /// <summary>The span tag with the breaker's state when it decided.</summary>
    public const string StateTag = "circuit_breaker.state";

    /// <summary>The span tag with the decision: allowed, probe or rejected.</summary>
    public const string DecisionTag = "circuit_breaker.decision";

    /// <summary>
    /// What turned a rejected call away: <c>circuit</c> (Open, HalfOpen without a slot, Isolated), <c>limit</c> or
    /// <c>endpoint</c>.
    /// </summary>
    public const string RejectedByTag = "circuit_breaker.rejected_by";

    /// <summary>Whether a completed call was slower than the slow-call duration (only with the slow-call rule on).</summary>
    public const string SlowTag = "circuit_breaker.slow";

    /// <summary>The span tag that marks a hedge's span; its value is the delay after which it was sent, in ms.</summary>
    public const string HedgeTag = "circuit_breaker.hedge.delay_ms";

    /// <summary>The span tag that says a hedge lost: another attempt answered first and it was cancelled.</summary>
    public const string HedgeLostTag = "circuit_breaker.hedge.lost";

    private const string OutcomeTag = "circuit_breaker.outcome";

    internal static readonly ActivitySource Source = new(MeterName);

    private readonly ConcurrentDictionary<string, (string SpanName, CircuitBreaker Breaker, InstanceRecords Endpoints)> _observed = new();
    private readonly ConcurrentDictionary<string, Func<int?>> _limits = new();
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _retriesRefused;
    private readonly Counter<long> _hedges;
    private readonly ILogger _logger;

    /// <summary>Creates the instruments; every breaker is added with <see cref="Observe"/>.</summary>
    public CircuitBreakerTelemetry(IMeterFactory meterFactory, ILogger<CircuitBreakerTelemetry> logger)
    {
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            Contracts.Telemetry.StateInstrument,
            () => Each(static (name, breaker, _) => new Measurement<int>((int)breaker.State, Tag(name))),
            unit: "{state}",
            description: "State of each circuit breaker: 0 Closed, 1 Open, 2 HalfOpen, 3 Isolated.");
        meter.CreateObservableGauge(
            "circuit_breaker.failure_count",
            () => Each(static (name, breaker, _) => new Measurement<int>(breaker.FailureCount, Tag(name))),
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
            Contracts.Telemetry.EjectionsInstrument,
            unit: "{ejection}",
            description: "Endpoints ejected from rotation, tagged with the breaker and the endpoint's server.address and server.port.");
        meter.CreateObservableGauge(
            Contracts.Telemetry.EjectedInstrument,
            () => Each(static (name, _, instances) => new Measurement<int>(instances.EjectedCount, Tag(name))),
            unit: "{endpoint}",
            description: "Endpoints of each breaker's service out of rotation now.");
        meter.CreateObservableCounter(
            Contracts.Telemetry.EjectionsOverflowInstrument,
            () => Each(static (name, _, instances) => new Measurement<long>(instances.EjectionsRefused, Tag(name))),
            unit: "{ejection}",
            description: "Ejections the MaxEjectionPercent cap refused: an endpoint reached its threshold while as many as allowed were out.");
        _retriesRefused = meter.CreateCounter<long>(
            Contracts.Telemetry.RetriesRefusedInstrument,
            unit: "{retry}",
            description: "Retries the service's retry budget refused: not sent, the call ended as its first attempt did.");
        _hedges = meter.CreateCounter<long>(
            Contracts.Telemetry.HedgesInstrument,
            unit: "{hedge}",
            description: "Hedged reads by outcome: won (the hedge's answer was used), lost (sent, not used) or refused (due, not sent).");
        meter.CreateObservableGauge(
            Contracts.Telemetry.ConcurrencyLimitInstrument,
            () => _limits.Select(static limit => (limit.Key, Value: limit.Value()))
                .Where(static limit => limit.Value is not null)
                .Select(static limit => new Measurement<int>(limit.Value!.Value, Tag(limit.Key))),
            unit: "{call}",
            description: "The concurrency limit of each breaker's service now: the static one, or the sum of its instances' learnt limits.");
    }

    /// <summary>Starts reporting one breaker and its instance records.</summary>
    public void Observe(string name, CircuitBreaker breaker, InstanceRecords instances, Func<int?>? concurrencyLimit = null)
    {
        _observed[name] = ("circuit_breaker " + name, breaker, instances);
        _limits[name] = concurrencyLimit ?? (static () => null);
        breaker.StateChanged += OnStateChanged;
        instances.Changed += OnInstanceChanged;
    }

    /// <summary>Starts the span that wraps one call through the breaker <paramref name="name"/> (null when nobody listens).</summary>
    public Activity? StartCall(string name)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(
            _observed.TryGetValue(name, out var observed) ? observed.SpanName : "circuit_breaker " + name, ActivityKind.Internal);
        activity?.SetTag(NameTag, name);
        return activity;
    }

    /// <summary>Tags the span with the decision; counts a rejection, whose span is an error.</summary>
    public void RecordDecision(Activity? activity, string name, in CircuitPermit permit)
    {
        if (activity is not null)
        {
            activity.SetTag(StateTag, permit.State.ToString());
            activity.SetTag(DecisionTag, DecisionName(permit.Decision));
        }

        if (!permit.IsAdmitted)
        {
            activity?.SetTag(RejectedByTag, "circuit");
            activity?.SetStatus(ActivityStatusCode.Error, $"Rejected by circuit breaker {name} ({permit.State})");
            _calls.Add(1, Tag(name), new(OutcomeTag, "rejected"), new(RejectedByTag, "circuit"));
        }
    }

    /// <summary>
    /// Counts an admitted call's outcome as the breaker counted it, tagged slow or not (<c>circuit_breaker.slow</c>, with
    /// the slow-call rule on); a failure marks its span as an error; a call cancelled by its caller is not counted.
    /// </summary>
    public void RecordOutcome(Activity? activity, string name, CallOutcome outcome, bool slow, bool slowRule)
    {
        if (outcome == CallOutcome.Cancelled)
        {
            return;
        }

        // An answer, however late and whoever answers for the lateness, is a success; its raw slowness is tagged.
        var succeeded = outcome is CallOutcome.Success or CallOutcome.ExcusedSlow;
        var outcomeName = succeeded ? "success" : "failure";
        activity?.SetTag(OutcomeTag, outcomeName);
        if (!succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"The call through circuit breaker {name} failed");
        }

        if (!slowRule)
        {
            _calls.Add(1, Tag(name), new(OutcomeTag, outcomeName));
        }
        else
        {
            activity?.SetTag(SlowTag, slow);
            _calls.Add(1, Tag(name), new(OutcomeTag, outcomeName), new(SlowTag, slow));
        }
    }

    private static KeyValuePair<string, object?> Tag(string name) => new(NameTag, name);

    private static string DecisionName(CircuitDecision decision) => decision switch
    {
        CircuitDecision.Allowed => "allowed",
        CircuitDecision.Probe => "probe",
        _ => "rejected",
    };

    private IEnumerable<Measurement<T>> Each<T>(Func<string, CircuitBreaker, InstanceRecords, Measurement<T>> measure)
        where T : struct =>
        [.. _observed.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => measure(o.Key, o.Value.Breaker, o.Value.Endpoints))];

    private void OnInstanceChanged(InstanceRecords instances, InstanceChange change)
    {
        if (change.State == EndpointState.Ejected)
        {
            var address = new Uri(change.Address);
            _ejections.Add(1, Tag(instances.Name), new("server.address", address.Host), new("server.port", address.Port));
            CircuitBreakerLog.InstanceEjected(_logger, instances.Name, change.Name, change.Address, change.EjectedUntil, change.Reason);
        }
        else
        {
            CircuitBreakerLog.InstanceReturned(_logger, instances.Name, change.Name, change.Address, change.Reason);
        }
    }

    private void OnStateChanged(CircuitBreaker breaker, CircuitStateChange change)
    {
        _transitions.Add(1, Tag(breaker.Name), new("circuit_breaker.from", change.From.ToString()), new("circuit_breaker.to", change.To.ToString()));
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
