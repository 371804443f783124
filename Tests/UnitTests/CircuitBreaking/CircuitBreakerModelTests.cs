using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CsCheck;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>Random sequences of calls, outcomes, clock advances and manual commands, checked step by step against the model.</summary>
public class CircuitBreakerModelTests
{
    private static readonly CircuitBreakerOptions Options = new()
    {
        FailureThreshold = 3,
        FailureWindow = TimeSpan.FromSeconds(10),
        OpenDuration = TimeSpan.FromSeconds(3),
        OpenDurationMultiplier = 2,
        MaxOpenDuration = TimeSpan.FromSeconds(10),
        SuccessThreshold = 2,
        HalfOpenMaxProbes = 2,
    };

    [Fact]
    public void RandomOperations_MatchTheReferenceModelAtEveryStep() =>
        Gen.Int[0, 99].Array[1, 300].Sample(RunAndCompare, iter: 2_000);

    private static void RunAndCompare(int[] operations)
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var model = new CircuitBreakerModel(Options);
        var held = new List<(CircuitPermit Real, (CircuitDecision, int) Model)>();

        for (var step = 0; step < operations.Length; step++)
        {
            var operation = operations[step];
            var now = clock.GetUtcNow();
            switch (operation)
            {
                case < 30:
                    var real = breaker.TryAcquire();
                    var expected = model.Acquire(now);
                    Assert.True(expected.Decision == real.Decision, $"step {step}: decision {real.Decision}, model {expected.Decision}");
                    if (real.IsAdmitted)
                    {
                        held.Add((real, expected));
                    }

                    break;
                case < 60 when held.Count > 0:
                    var outcome = operation switch { < 45 => CallOutcome.Success, < 55 => CallOutcome.Failure, _ => CallOutcome.Cancelled };
                    var index = operation % held.Count;
                    breaker.Complete(held[index].Real, outcome);
                    model.Complete(held[index].Model, outcome, now);
                    held.RemoveAt(index);
                    break;
                case >= 60 and < 63:
                    breaker.Isolate();
                    model.Isolate(now);
                    break;
                case >= 63 and < 67:
                    breaker.Reset();
                    model.Reset(now);
                    break;
                case >= 67:
                    clock.Advance(TimeSpan.FromMilliseconds((operation - 66) * 250));
                    break;
            }

            Compare(step, breaker.GetStatus(), model, clock.GetUtcNow());
        }
    }

    private static void Compare(int step, CircuitBreakerStatus real, CircuitBreakerModel model, DateTimeOffset now)
    {
        model.Observe(now);
        var expected = (model.State, model.FailureCount(now), model.ProbeSuccesses, model.NextAttempt,
            model.Total, model.Successes, model.Failures, model.Rejections);
        var actual = (real.State, real.FailureCount, real.SuccessCount, real.NextAttempt,
            real.TotalRequests, real.SuccessfulRequests, real.FailedRequests, real.RejectedRequests);
        Assert.True(expected == actual, $"step {step}: breaker {actual}, model {expected}");
    }
}
