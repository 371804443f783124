using CsCheck;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// Random sequences of calls, outcomes, clock advances (so calls of every duration, slow ones included) and manual
/// commands, checked at every step against the naive <see cref="CircuitBreakerModel"/>: state, counts, decisions and their RetryAfter, calls in flight, the
/// recorded changes of state and the events raised.
/// </summary>
public class CircuitBreakerModelTests
{
    private static readonly CircuitBreakerOptions Options = new()
    {
        FailureThreshold = 3,
        FailureWindow = TimeSpan.FromSeconds(10),
        FailureRatio = 0.5,
        MinimumThroughput = 4,
        SamplingDuration = TimeSpan.FromSeconds(5),
        OpenDuration = TimeSpan.FromSeconds(3),
        OpenDurationMultiplier = 2,
        MaxOpenDuration = TimeSpan.FromSeconds(10),
        SuccessThreshold = 2,
        HalfOpenMaxProbes = 2,
        AttemptTimeout = TimeSpan.FromSeconds(1),
        SlowCallDuration = TimeSpan.FromSeconds(1),
        SlowCallRatio = 0.6,
        SlowCallWindow = 5,
    };

    [Fact]
    public void RandomOperations_MatchTheReferenceModelAtEveryStep() =>
        Gen.Int[0, 99].Array[1, 120].Sample(RunAndCompare, iter: 10_000);

    private static void RunAndCompare(int[] operations)
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var raised = new List<CircuitStateChange>();
        breaker.StateChanged += (_, change) => raised.Add(change);
        var model = new CircuitBreakerModel(Options);
        var held = new List<(CircuitPermit Real, long Started, int Model)>();

        for (var step = 0; step < operations.Length; step++)
        {
            var operation = operations[step];
            var now = clock.GetUtcNow() - TestBreakers.Start;
            (CircuitPermit Real, int Model)? acquired = null;
            switch (operation)
            {
                case < 30:
                    acquired = (breaker.TryAcquire(), model.Acquire(now));
                    break;
                case < 60 when held.Count > 0:
                    var outcome = operation switch { < 42 => CallOutcome.Success, < 55 => CallOutcome.Failure, _ => CallOutcome.Cancelled };
                    var index = operation % held.Count;
                    var raisedBefore = raised.Count;
                    breaker.Complete(held[index].Real, outcome, breaker.IsSlow(held[index].Started));
                    model.Complete(held[index].Model, outcome, now, breakerOpened: raised.Count > raisedBefore && raised[^1].To == CircuitState.Open);
                    held.RemoveAt(index);
                    break;
                case >= 60 and < 62:
                    breaker.Isolate();
                    model.Isolate(now);
                    break;
                case >= 62 and < 65:
                    breaker.Reset();
                    model.Reset(now);
                    break;
                case >= 65:
                    clock.Advance(TimeSpan.FromMilliseconds((operation - 64) * 150));
                    break;
            }

            var expected = model.ViewAt(clock.GetUtcNow() - TestBreakers.Start);
            if (acquired is var (permit, call))
            {
                if (expected.Calls[call].Decision != permit.Decision || expected.RetryAfter.GetValueOrDefault(call) != permit.RetryAfter)
                {
                    Assert.Fail($"step {step}: breaker {permit.Decision} (retry after {permit.RetryAfter}), model {expected.Calls[call].Decision} (retry after {expected.RetryAfter.GetValueOrDefault(call)})");
                }

                if (permit.IsAdmitted)
                {
                    // The caller times its call (the breaker reads its clock only with the slow-call rule on).
                    held.Add((permit, breaker.StartTiming(), call));
                }
            }

            Compare(step, breaker.GetStatus(), raised, expected);
        }
    }

    private static void Compare(int step, CircuitBreakerStatus real, List<CircuitStateChange> raised, ModelView model)
    {
        var expected = (model.State, model.FailureCount, model.SuccessCount, NextAttempt: TestBreakers.Start + model.NextAttempt, model.RetryAfterMs,
            model.Total, model.Succeeded, model.Failed, model.Rejected, model.Cancelled, model.InFlight);
        var actual = (real.State, real.FailureCount, real.SuccessCount, real.NextAttempt, real.RetryAfterMs,
            real.TotalRequests, real.SuccessfulRequests, real.FailedRequests, real.RejectedRequests, real.CancelledRequests, real.InFlightRequests);
        if (expected != actual)
        {
            Assert.Fail($"step {step}: breaker {actual}, model {expected}");
        }

        AssertSameChanges(step, "events raised", model.Transitions, raised);
        AssertSameChanges(step, "recorded changes", model.Transitions.Select((t, i) => (t, i)).TakeLast(StateChangeHistory.Capacity), real.StateChanges);
    }

    private static void AssertSameChanges(int step, string what, IReadOnlyList<ModelTransition> model, IReadOnlyList<CircuitStateChange> changes) =>
        AssertSameChanges(step, what, model.Select((t, i) => (t, i)), changes);

    // By hand rather than with xunit's collection Assert.Equal, which costs most of the test's time at every step.
    private static void AssertSameChanges(int step, string what, IEnumerable<(ModelTransition Change, int Index)> model, IReadOnlyList<CircuitStateChange> changes)
    {
        var expected = model.ToList();
        var same = expected.Count == changes.Count && expected.Zip(changes).All(pair =>
            TestBreakers.Start + pair.First.Change.At == pair.Second.Timestamp
            && pair.First.Change.From == pair.Second.From
            && pair.First.Change.To == pair.Second.To
            && pair.First.Index + 1 == pair.Second.Sequence
            && pair.First.Change.Explains(pair.Second.Reason));
        if (!same)
        {
            Assert.Fail($"step {step}: {what} {string.Join(", ", changes.Select(c => (c.Timestamp, c.From, c.To, c.Reason, c.Sequence)))}, "
                + $"model {string.Join(", ", expected.Select(e => (TestBreakers.Start + e.Change.At, e.Change.From, e.Change.To, string.Join(" + ", e.Change.ReasonSays), e.Index + 1)))}");
        }
    }
}
