namespace CircuitDemo.Resilience.Overload;

/// <summary>
/// One instance's concurrency limit, learnt from its calls as a Vegas limit of Netflix's concurrency-limits learns one:
/// from the calls waiting in the instance, estimated by Little's law. The calls are taken in windows (<see
/// cref="WindowTime"/>, at least <see cref="WindowCalls"/> calls) and the limit moves at most once a window
/// (<see cref="Record"/>):
/// <list type="bullet">
/// <item>a drop (a failed call: a 503 from a full queue, a timeout) cuts it by a tenth, as AIMD does;</item>
/// <item>a standing queue (the window's fastest call slower than the instance's usual latency, by more than half the
/// spread of the window's calls over it) of more than <see cref="Beta"/> calls brings it down by the excess over
/// <see cref="Alpha"/>, at most by half, never below what the instance serves at once plus Alpha;</item>
/// <item>in use (more than half of it in flight) with no queue, or one shorter than <see cref="Alpha"/>, it grows by its
/// square root (Gradient2's queue allowance); for a <see cref="BaselineWindow"/> after a cut, by its logarithm (Vegas's
/// increase), at least half a call, so that it creeps back toward the queue it just left, as TCP does after a loss;
/// filled by a window whose answers account for every call in flight, <see cref="SlowStartAfter"/> or longer after
/// a cut, it doubles, as TCP's slow start does, so that a burst after a quiet spell is let through within a few windows;</item>
/// <item>far above its use (more than twice the most in flight lately), it decays toward twice that, never below the
/// initial limit.</item>
/// </list>
/// So it settles where the instance serves as many calls as it can at once and few wait; a caller that is itself busy
/// (garbage collection, a saturated thread pool) delays some calls and not others, which is no queue, and a limit the
/// load never reaches is not cut: healthy traffic is never turned away. The usual latency is the fastest call of the
/// last few seconds (<see cref="BaselineWindow"/>), so a queue that builds is measured against the latency before it.
/// Not thread-safe; the records' lock guards it.
/// </summary>
internal struct ConcurrencyLimit
{
    /// <summary>A new instance's limit, before it has answered anything.</summary>
    public const int Initial = 20;

    /// <summary>The limit never goes below this: an instance in rotation always gets a call.</summary>
    public const int Minimum = 1;

    /// <summary>The limit never goes above this.</summary>
    public const int Maximum = 1000;

    /// <summary>Fewer calls than this waiting in the instance is room: the limit, in use, grows.</summary>
    public const double Alpha = 0.3;

    /// <summary>More calls than this waiting in the instance is a queue: the limit comes down by the excess over Alpha.</summary>
    public const double Beta = 0.5;

    /// <summary>What a drop leaves of the limit.</summary>
    public const double Backoff = 0.9;

    /// <summary>What a window leaves of a limit more than twice its use (and above the initial limit).</summary>
    public const double Decay = 0.8;

    /// <summary>The usual latency is the fastest call of the last one or two of these; the use, the most in flight.</summary>
    public static readonly TimeSpan BaselineWindow = TimeSpan.FromSeconds(3);

    /// <summary>A filled limit doubles only this long after its last cut: a queue seen lately is near.</summary>
    public static readonly TimeSpan SlowStartAfter = TimeSpan.FromSeconds(10);

    /// <summary>The limit moves at most once a window: this long, and at least <see cref="WindowCalls"/> calls.</summary>
    public static readonly TimeSpan WindowTime = TimeSpan.FromMilliseconds(100);

    /// <summary>The fewest calls of a window: one call's latency is noise, ten calls' are a measurement.</summary>
    public const int WindowCalls = 10;

    private double _limit;
    private Windowed _fastest; // the instance's usual latency: the fastest call of the last BaselineWindow or two, in ms
    private Windowed _mostInFlight; // its use: the most calls in flight at once over the same time
    private Window _window;
    private TimeSpan? _cutAt; // when a drop or a queue last cut it

    /// <summary>Forgets what was learnt: the initial limit, no latency, no use.</summary>
    public void Reset() => this = default;

    /// <summary>The limit now, whole calls.</summary>
    public readonly int Value => _limit == 0 ? Initial : (int)_limit;

    /// <summary>The instance's usual latency, in milliseconds: its fastest call lately; 0 before its first window closed.</summary>
    public readonly double Baseline => _fastest.Value;

    /// <summary>
    /// Why the limit last changed (<c>drop</c>, <c>latency</c>, <c>room</c>, <c>slow start</c> or <c>unused</c>); null until it has.
    /// </summary>
    public string? LastChange { get; private set; }

    /// <summary>When it last changed, on the records' monotonic clock.</summary>
    public TimeSpan LastChangeAt { get; private set; }

    /// <summary>
    /// Takes in one completed call of <paramref name="latency"/>, which failed or not (<paramref name="dropped"/>), with
    /// <paramref name="inFlight"/> calls in flight to the instance when it ended (itself included), at <paramref name="now"/>.
    /// </summary>
    public void Record(TimeSpan latency, bool dropped, int inFlight, TimeSpan now)
    {
        var limit = _limit == 0 ? Initial : _limit;
        _limit = limit;
        if (_window.Calls == 0)
        {
            _window.Start = now;
        }

        _window.Add(latency.TotalMilliseconds, dropped, inFlight);
        if (now - _window.Start < WindowTime || _window.Calls < WindowCalls)
        {
            return;
        }

        var window = _window;
        _window = default;
        if (window.Dropped)
        {
            Cut(limit * Backoff, "drop", now);
            return;
        }

        // The calls waiting in the instance, by Little's law: its throughput in the window times how much longer than
        // usual its fastest call took. A queue in the instance delays every call alike, the fastest too; a busy caller
        // (a garbage collection, a saturated thread pool) delays some calls and not others, so it is a queue only while
        // the fastest call's delay is more than half the spread of the window's calls over it.
        var usual = _fastest.Add(window.Fastest, now, BaselineWindow, most: false);
        var used = _mostInFlight.Add(window.MaxInFlight, now, BaselineWindow, most: true);
        var delay = window.Fastest - usual;
        var throughput = window.Calls / Math.Max((now - window.Start).TotalSeconds, 0.001);
        var queued = throughput * delay / 1000;
        var standing = delay > (window.Average - window.Fastest) / 2;
        if (standing && queued > Beta)
        {
            // Too many waiting: the limit comes down by the excess over Alpha, at most by half, and never below what the
            // instance serves at once (Little's law again: its throughput times its usual latency) plus Alpha: the
            // calls admitted before a cut still queue for a while, and are no reason to cut below that.
            var serving = throughput * usual / 1000;
            Cut(Math.Max(Math.Max(limit / 2, limit - (queued - Alpha)), serving + Alpha), "latency", now);
        }
        else if (window.MaxInFlight > limit / 2)
        {
            // In use, and no queue (or a short one): it grows, by its square root, or gently just after a cut.
            if (!standing || queued < Alpha)
            {
                // Filled, and every call let in accounted for by those that came back (Little's law: the window's
                // throughput times its latency is most of its calls in flight), so none is waiting unseen yet: doubled.
                var filled = window.MaxInFlight >= (int)limit && throughput * window.Average / 1000 >= window.MaxInFlight / 2.0;
                var (grown, reason) = filled && SlowStart(now) ? (2 * limit, "slow start") : (limit + Regrowth(limit, now), "room");
                Set(grown, reason, now);
            }
        }
        else if (limit > Math.Max(2 * used, Initial))
        {
            // Far above its use (the caller, not the instance, is the bottleneck): it decays toward twice the most in
            // flight lately, never below the initial limit, so that a limit grown on a fast instance does not stand when
            // the instance gets slow at low load, and a burst of a quiet caller is not turned away.
            Set(Math.Max(Math.Max(2 * used, Initial), limit * Decay), "unused", now);
        }
    }

    // Room: the limit's square root (Gradient2's queue allowance); for a BaselineWindow after a cut, its logarithm (Vegas's
    // increase), at least half a call. Near the queue it just left, a square root (three calls at a limit of ten) would
    // leap past it and queue again.
    private readonly double Regrowth(double limit, TimeSpan now) =>
        _cutAt is { } cut && now - cut < BaselineWindow ? Math.Max(0.5, Math.Log10(limit)) : Math.Sqrt(limit);

    // A slow start, as TCP's, doubles a filled limit: every call it let in was wanted and none waited, so a burst after a
    // quiet spell is let through within a few windows. Not for SlowStartAfter after a cut: the queue it left is near.
    private readonly bool SlowStart(TimeSpan now) => _cutAt is not { } cut || now - cut >= SlowStartAfter;

    // A drop or a queue: the limit comes down, and for a BaselineWindow it regrows gently (Regrowth).
    private void Cut(double limit, string reason, TimeSpan now)
    {
        Set(limit, reason, now);
        _cutAt = now;
    }

    private void Set(double limit, string reason, TimeSpan now)
    {
        var clamped = Math.Clamp(limit, Minimum, Maximum);
        if ((int)clamped != Value)
        {
            (LastChange, LastChangeAt) = (reason, now);
        }

        _limit = clamped;
    }

    // The calls of one window: their average and fastest latency, whether any was dropped, the most in flight at once.
    private struct Window
    {
        public TimeSpan Start;
        public int Calls;
        public double Total;
        public bool Dropped;
        public int MaxInFlight;
        public double Fastest;

        public readonly double Average => Total / Calls;

        public void Add(double milliseconds, bool dropped, int inFlight)
        {
            Fastest = Calls == 0 ? milliseconds : Math.Min(Fastest, milliseconds);
            (Calls, Total, Dropped, MaxInFlight) = (Calls + 1, Total + milliseconds, Dropped || dropped, Math.Max(MaxInFlight, inFlight));
        }
    }

    // The least (or the most) of the values of the last window of time or two, as BBR keeps its round-trip time: the
    // extreme of this window and of the one before, which is forgotten once two windows have gone by.
    private struct Windowed
    {
        private double _now;
        private double? _before;
        private TimeSpan _since;
        private bool _any;

        public double Value { get; private set; }

        public double Add(double value, TimeSpan now, TimeSpan window, bool most)
        {
            if (!_any || now - _since >= window)
            {
                _before = _any && now - _since < 2 * window ? _now : null;
                (_now, _since, _any) = (value, now, true);
            }
            else
            {
                _now = most ? Math.Max(_now, value) : Math.Min(_now, value);
            }

            Value = _before is not { } before ? _now : most ? Math.Max(_now, before) : Math.Min(_now, before);
            return Value;
        }
    }
}
