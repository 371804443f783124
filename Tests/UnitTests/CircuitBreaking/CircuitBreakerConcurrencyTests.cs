using CircuitDemo.ServiceDefaults.CircuitBreaking;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>Races on one breaker, repeated so that a rare interleaving shows.</summary>
public class CircuitBreakerConcurrencyTests
{
    private const int Repetitions = 300;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task HalfOpen_200CallersReleasedTogether_ExactlyMaxProbesAdmitted(int maxProbes)
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenMaxProbes = maxProbes };
        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            var (breaker, clock) = TestBreakers.Create(options);
            breaker.DriveTo(clock, CircuitState.HalfOpen);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = Enumerable.Range(0, 200)
                .Select(_ => Task.Run(async () =>
                {
                    await release.Task;
                    return breaker.TryAcquire();
                }))
                .ToArray();

            release.SetResult();
            var permits = await Task.WhenAll(callers);

            Assert.Equal(maxProbes, permits.Count(p => p.Decision == CircuitDecision.Probe));
            Assert.Equal(200 - maxProbes, permits.Count(p => p.Decision == CircuitDecision.Rejected));
        }
    }

    [Fact]
    public async Task MixedOutcomesFromManyThreads_CountsAreExactAndNoTransitionIsLost()
    {
        const int Threads = 8, CallsPerThread = 2_000;
        var options = new CircuitBreakerOptions
        {
            FailureThreshold = 3,
            OpenDuration = TimeSpan.FromMilliseconds(5),
            SuccessThreshold = 2,
            HalfOpenMaxProbes = 2,
        };
        for (var repetition = 0; repetition < 20; repetition++)
        {
            var (breaker, clock) = TestBreakers.Create(options);
            var changes = new System.Collections.Concurrent.ConcurrentQueue<CircuitStateChange>();
            breaker.StateChanged += (_, change) => changes.Enqueue(change);
            var clockLock = new Lock();
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var workers = Enumerable.Range(0, Threads).Select(seed => Task.Run(async () =>
            {
                await release.Task;
                var random = new Random(seed + (repetition * Threads));
                var counts = new long[4]; // successes, failures, cancellations, rejections
                for (var i = 0; i < CallsPerThread; i++)
                {
                    if (random.Next(50) == 0)
                    {
                        lock (clockLock)
                        {
                            clock.Advance(TimeSpan.FromMilliseconds(1));
                        }
                    }

                    var permit = breaker.TryAcquire();
                    if (!permit.IsAdmitted)
                    {
                        counts[3]++;
                        continue;
                    }

                    var outcome = (CallOutcome)random.Next(3);
                    counts[(int)outcome]++;
                    breaker.Complete(permit, outcome);
                }

                return counts;
            })).ToArray();

            release.SetResult();
            var perThread = await Task.WhenAll(workers);
            long Sum(int index) => perThread.Sum(c => c[index]);

            var status = breaker.GetStatus();
            Assert.Equal(Sum(0), status.SuccessfulRequests);
            Assert.Equal(Sum(1), status.FailedRequests);
            Assert.Equal(Sum(3), status.RejectedRequests);
            Assert.Equal((Threads * CallsPerThread) - Sum(2), status.TotalRequests);
            Assert.Equal(0, status.InFlightRequests);
            Assert.Equal(status.TotalRequests, status.SuccessfulRequests + status.FailedRequests + status.RejectedRequests);

            // No transition lost: into and out of every state balance, given where the chain ends.
            Assert.NotEmpty(changes);
            foreach (var state in Enum.GetValues<CircuitState>())
            {
                var into = changes.Count(c => c.To == state);
                var outOf = changes.Count(c => c.From == state);
                var expected = (status.State == state ? 1 : 0) - (state == CircuitState.Closed ? 1 : 0);
                Assert.Equal(expected, into - outOf);
            }
        }
    }

    [Fact]
    public async Task HalfOpen_ProbesReturningSlotsConcurrently_NeverMoreThanMaxProbesInFlight()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenMaxProbes = 2 };
        var (breaker, clock) = TestBreakers.Create(options);
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var inFlight = 0;
        var maxSeen = 0;

        await Parallel.ForAsync(0, 20_000, (_, _) =>
        {
            var permit = breaker.TryAcquire();
            if (permit.IsAdmitted)
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxSeen, now);
                Interlocked.Decrement(ref inFlight);
                breaker.Complete(permit, CallOutcome.Cancelled); // gives the slot back, stays HalfOpen
            }

            return ValueTask.CompletedTask;
        });

        Assert.InRange(maxSeen, 1, 2);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref target, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }
}
