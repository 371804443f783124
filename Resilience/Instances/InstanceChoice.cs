namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// Which instance a call goes to. A read: of two instances in rotation picked at random, the one with the lower load, its
/// latency estimate times its calls in flight plus one (the power of two choices with a peak EWMA, as Finagle's and
/// Linkerd's balancers do): a slow instance gets few calls, and a hung one none once it holds more calls than the others.
/// Writes are chosen the same way: every payment instance shares one ledger, so any of them can take any payment.
/// Not thread-safe; the records' lock guards it.
/// </summary>
internal sealed class InstanceChoice(Random random, TimeSpan latencyDecay)
{
    /// <summary>How fast an instance's estimate forgets: the time constant of its decay.</summary>
    public TimeSpan LatencyDecay => latencyDecay;

    // An estimate of zero (no call yet, or long idle) would make every load zero and hide the calls in flight.
    private const double LeastLatencyMs = 0.001;

    /// <summary>The lighter of two instances in rotation, away from <paramref name="avoid"/> while another is in rotation.</summary>
    public InstanceRecord Lighter(InstanceRecord[] instances, Uri? avoid, TimeSpan now)
    {
        if (instances.Length == 1)
        {
            return instances[0];
        }

        Span<int> candidates = instances.Length <= 64 ? stackalloc int[instances.Length] : new int[instances.Length];
        var count = Candidates(instances, avoid, candidates);
        if (count == 0)
        {
            // Only when service discovery dropped every instance in rotation: the ejected ones are all there is.
            count = instances.Length;
            for (var i = 0; i < count; i++)
            {
                candidates[i] = i;
            }
        }

        if (count == 1)
        {
            return instances[candidates[0]];
        }

        var first = random.Next(count);
        var second = random.Next(count - 1);
        second += second >= first ? 1 : 0;
        var (a, b) = (instances[candidates[first]], instances[candidates[second]]);
        var (loadA, loadB) = (Load(instances, a, now), Load(instances, b, now));

        // Equal loads (an instance that just failed, beside others with no estimate yet, which take the average: its
        // own): the one with fewer failures in a row.
        return loadB < loadA || (loadB == loadA && b.Streaks.Failures < a.Streaks.Failures) ? b : a;
    }

    /// <summary>
    /// An instance's latency estimate now, in milliseconds (<see cref="LatencyEstimate"/>). One that no call has completed
    /// on yet (a new one, one just back, or one that hangs) is taken to be as fast as the average of those that have one:
    /// zero would make it look the fastest of all and flood it, hung or not.
    /// </summary>
    public double Estimate(InstanceRecord[] instances, InstanceRecord instance, TimeSpan now)
    {
        if (instance.Latency.At(now, latencyDecay) is { } own)
        {
            return own;
        }

        var (sum, known) = (0.0, 0);
        foreach (var other in instances)
        {
            if (other.InRotation && other.Latency.At(now, latencyDecay) is { } estimate)
            {
                sum += estimate;
                known++;
            }
        }

        return known > 0 ? sum / known : 0;
    }

    // The instances in rotation, less the one to avoid when it is not the only one.
    private static int Candidates(InstanceRecord[] instances, Uri? avoid, Span<int> candidates)
    {
        var count = 0;
        var avoided = -1;
        for (var i = 0; i < instances.Length; i++)
        {
            if (!instances[i].InRotation)
            {
                continue;
            }

            if (avoid is not null && instances[i].Address == avoid)
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

    private double Load(InstanceRecord[] instances, InstanceRecord instance, TimeSpan now) =>
        Math.Max(Estimate(instances, instance, now), LeastLatencyMs) * (instance.InFlight + 1);
}
