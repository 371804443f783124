using System.Diagnostics.Metrics;

namespace CircuitDemo.Traffic;

/// <summary>The traffic generator's own meter: what each answer's sections were made of, and how each request ended.</summary>
public sealed class TrafficMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "CircuitDemo.Traffic";

    private readonly Counter<long> _sections;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public TrafficMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sections = meter.CreateCounter<long>(
            "traffic.sections",
            unit: "{section}",
            description: "Dashboard sections received, by section and source: live, or the fallback's reason.");
        _requests = meter.CreateCounter<long>(
            "traffic.requests",
            unit: "{request}",
            description: "Dashboard requests, by how they ended: ok, error (a non-200 answer), failed (no answer), skipped (too many in flight).");
        _duration = meter.CreateHistogram<double>("traffic.duration", unit: "ms", description: "Time to the whole dashboard answer.");
    }

    public void Section(string section, string source) =>
        _sections.Add(1, new KeyValuePair<string, object?>("traffic.section", section), new KeyValuePair<string, object?>("traffic.source", source));

    public void Request(string outcome, TimeSpan? duration = null)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("traffic.outcome", outcome));
        if (duration is { } elapsed)
        {
            _duration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("traffic.outcome", outcome));
        }
    }
}
