using CircuitDemo.Resilience.Http;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// Which endpoint a call goes to. A read: of two endpoints in rotation picked at random, the one with the lower load, its
/// latency estimate times its calls in flight plus one (the power of two choices with a peak EWMA, as Finagle's and
/// Linkerd's balancers do): a slow instance gets few calls, and a hung one none once it holds more calls than the others.
/// Writes are chosen the same way: every payment instance shares one ledger, so any of them can take any payment.
/// Not thread-safe; the records' lock guards it.
/// </summary>
internal sealed class EndpointChoice(Random random, TimeSpan latencyDecay)
{
    // An estimate of zero (no call yet, or long idle) would make every load zero and hide the calls in flight.
    private const double LeastLatencyMs = 0.001;

    /// <summary>The lighter of two endpoints in rotation, away from <paramref name="avoid"/> while another is in rotation.</summary>
    public EndpointRecords.Endpoint Lighter(EndpointRecords.Endpoint[] endpoints, Uri? avoid, TimeSpan now)
    {
        if (endpoints.Length == 1)
        {
            return endpoints[0];
        }

        Span<int> candidates = endpoints.Length <= 64 ? stackalloc int[endpoints.Length] : new int[endpoints.Length];
        var count = Candidates(endpoints, avoid, candidates);
        if (count == 0)
        {
            // Only when service discovery dropped every endpoint in rotation: the ejected ones are all there is.
            count = endpoints.Length;
            for (var i = 0; i < count; i++)
            {
                candidates[i] = i;
            }
        }

        if (count == 1)
        {
            return endpoints[candidates[0]];
        }

        var first = random.Next(count);
        var second = random.Next(count - 1);
        second += second >= first ? 1 : 0;
        var (a, b) = (endpoints[candidates[first]], endpoints[candidates[second]]);
        var (loadA, loadB) = (Load(endpoints, a, now), Load(endpoints, b, now));

        // Equal loads (an endpoint that just failed, beside others with no estimate yet, which take the average: its
        // own): the one with fewer failures in a row.
        return loadB < loadA || (loadB == loadA && b.ConsecutiveFailures < a.ConsecutiveFailures) ? b : a;
    }

    /// <summary>
    /// An endpoint's latency estimate now, in milliseconds. One that no call has completed on yet (a new one, one just
    /// back, or one that hangs) is taken to be as fast as the average of those that have one: zero would make it look
    /// the fastest of all and flood it, hung or not.
    /// </summary>
    public double Estimate(EndpointRecords.Endpoint[] endpoints, EndpointRecords.Endpoint endpoint, TimeSpan now)
    {
        if (endpoint.Latency.HasValue)
        {
            return endpoint.Latency.At(now, latencyDecay);
        }

        var (sum, known) = (0.0, 0);
        foreach (var other in endpoints)
        {
            if (other.Latency.HasValue && other.EjectedUntil is null)
            {
                sum += other.Latency.At(now, latencyDecay);
                known++;
            }
        }

        return known > 0 ? sum / known : 0;
    }

    // The endpoints in rotation, less the one to avoid when it is not the only one.
    private static int Candidates(EndpointRecords.Endpoint[] endpoints, Uri? avoid, Span<int> candidates)
    {
        var count = 0;
        var avoided = -1;
        for (var i = 0; i < endpoints.Length; i++)
        {
            if (endpoints[i].EjectedUntil is not null)
            {
                continue;
            }

            if (avoid is not null && endpoints[i].Address == avoid)
            {
                avoided = i;
                continue;
            }

            candidates[count++] = i;
        }

        if (count == 0 && avoided >= 0)
        {
            candidates[count++] = avoided;
        }

        return count;
    }

    private double Load(EndpointRecords.Endpoint[] endpoints, EndpointRecords.Endpoint endpoint, TimeSpan now) =>
        Math.Max(Estimate(endpoints, endpoint, now), LeastLatencyMs) * (endpoint.InFlight + 1);
}
