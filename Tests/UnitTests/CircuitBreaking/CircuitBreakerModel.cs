using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// A deliberately naive reference model of the contract's section 4 (consecutive-failure rule only): plain lists,
/// recomputed on every question, no concern for speed or memory. The model-based test checks the real breaker
/// against it step by step.
/// </summary>
internal sealed class CircuitBreakerModel(CircuitBreakerOptions options)
{
    private readonly List<DateTimeOffset> _streak = [];
    private DateTimeOffset _openUntil;
    private int _opensSinceClosed;

    public CircuitState State { get; private set; } = CircuitState.Closed;
    public int Epoch { get; private set; }
    public int ProbesInFlight { get; private set; }
    public int ProbeSuccesses { get; private set; }
    public long Total { get; private set; }
    public long Successes { get; private set; }
    public long Failures { get; private set; }
    public long Rejections { get; private set; }

    public DateTimeOffset? NextAttempt => State == CircuitState.Open ? _openUntil : null;

    public int FailureCount(DateTimeOffset now) =>
        _streak.TakeLast(options.FailureThreshold).Count(t => now - t < options.FailureWindow);

    public (CircuitDecision Decision, int Epoch) Acquire(DateTimeOffset now)
    {
        Observe(now);
        Total++;
        if (State == CircuitState.Closed)
        {
            return (CircuitDecision.Allowed, Epoch);
        }

        if (State == CircuitState.HalfOpen && ProbesInFlight < options.HalfOpenMaxProbes)
        {
            ProbesInFlight++;
            return (CircuitDecision.Probe, Epoch);
        }

        Rejections++;
        return (CircuitDecision.Rejected, Epoch);
    }

    public void Complete((CircuitDecision Decision, int Epoch) permit, CallOutcome outcome, DateTimeOffset now)
    {
        Observe(now);
        var current = permit.Epoch == Epoch;
        if (outcome == CallOutcome.Cancelled)
        {
            Total--;
            if (current && permit.Decision == CircuitDecision.Probe)
            {
                ProbesInFlight--;
            }

            return;
        }

        if (outcome == CallOutcome.Success)
        {
            Successes++;
        }
        else
        {
            Failures++;
        }

        if (!current)
        {
            return;
        }

        if (State == CircuitState.Closed && outcome == CallOutcome.Success)
        {
            _streak.Clear();
        }
        else if (State == CircuitState.Closed)
        {
            _streak.Add(now);
            if (FailureCount(now) >= options.FailureThreshold)
            {
                Open(now);
            }
        }
        else if (State == CircuitState.HalfOpen)
        {
            ProbesInFlight--;
            if (outcome == CallOutcome.Failure)
            {
                Open(now);
            }
            else if (++ProbeSuccesses >= options.SuccessThreshold)
            {
                Move(CircuitState.Closed);
                _streak.Clear();
                _opensSinceClosed = 0;
            }
        }
    }

    public void Isolate(DateTimeOffset now)
    {
        Observe(now);
        if (State != CircuitState.Isolated)
        {
            Move(CircuitState.Isolated);
        }
    }

    public void Reset(DateTimeOffset now)
    {
        Observe(now);
        if (State != CircuitState.Closed)
        {
            Move(CircuitState.Closed);
        }

        _streak.Clear();
        _opensSinceClosed = 0;
        ProbeSuccesses = 0;
    }

    public void Observe(DateTimeOffset now)
    {
        if (State == CircuitState.Open && now >= _openUntil)
        {
            Move(CircuitState.HalfOpen);
        }
    }

    private void Open(DateTimeOffset now)
    {
        _opensSinceClosed++;
        var duration = options.OpenDuration.TotalMilliseconds * Math.Pow(options.OpenDurationMultiplier, _opensSinceClosed - 1);
        _openUntil = now + TimeSpan.FromMilliseconds(Math.Min(duration, options.MaxOpenDuration.TotalMilliseconds));
        Move(CircuitState.Open);
    }

    private void Move(CircuitState to)
    {
        State = to;
        Epoch++;
        ProbesInFlight = 0;
        ProbeSuccesses = 0;
    }
}
