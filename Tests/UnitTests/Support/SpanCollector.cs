using System.Diagnostics;

namespace CircuitDemo.UnitTests.Support;

/// <summary>
/// Keeps every span that ends from the sources named, for a test to read. A listener sees the spans of every test
/// running at the time: the tests that use one run alone (<c>TelemetryCollection</c>).
/// </summary>
internal sealed class SpanCollector : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public SpanCollector(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                {
                    _spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans ended so far, in the order they ended.</summary>
    public List<Activity> Ended()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    public void Dispose() => _listener.Dispose();
}
