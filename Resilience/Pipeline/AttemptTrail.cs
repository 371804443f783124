using Polly;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>
/// The instance a call's last attempt went to, shared by all its attempts (its retry's, its hedge's), so that each goes
/// elsewhere. One object per call: Polly's hedging runs each attempt on a copy of the call's context, and the copies
/// share it.
/// </summary>
internal sealed class AttemptTrail
{
    private static readonly ResiliencePropertyKey<AttemptTrail> Key = new("CircuitDemo.AttemptTrail");

    private volatile Uri? _last;

    /// <summary>The instance the call's last attempt went to; null before its first.</summary>
    public Uri? Last => _last;

    /// <summary>The trail of the call <paramref name="context"/> belongs to, begun if it has none yet.</summary>
    public static AttemptTrail Of(ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(Key, out var trail))
        {
            trail = new AttemptTrail();
            context.Properties.Set(Key, trail);
        }

        return trail;
    }

    /// <summary>Notes that an attempt went to <paramref name="address"/>.</summary>
    public void WentTo(Uri address) => _last = address;
}
