using System.Collections.Concurrent;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// Races on one breaker with real parallelism: dedicated threads, more of them than cores, released together by a
/// barrier, repeated so that a rare interleaving shows.
/// </summary>
public class CircuitBreakerConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void HalfOpen_ThreadsReleasedTogether_ExactlyMaxProbesAdmitted(int maxProbes)
    {
        const int Rounds = 300, CallsPerThread = 4;
        var options = new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenMaxProbes = maxProbes };
        CircuitBreaker breaker = null!;
        var admittedPerRound = new int[Rounds];

        Race.Run(Race.Threads, Rounds,
            beforeRound: _ =>
            {
                (breaker, var clock) = TestBreakers.Create(options);
                breaker.DriveTo(clock, CircuitState.HalfOpen);
            },
            body: (_, round) =>
            {
                for (var i = 0; i < CallsPerThread; i++)
                {
                    if (breaker.TryAcquire().Decision == CircuitDecision.Probe)
                    {
                        Interlocked.Increment(ref admittedPerRound[round]);
                    }
                }
            });

        Assert.All(admittedPerRound, admitted => Assert.Equal(maxProbes, admitted));
    }

    [Fact]
    public void HalfOpen_ProbesHeldWhileOtherThreadsRun_NeverMoreThanMaxProbesInFlight()
    {
        const int MaxProbes = 2, CallsPerThread = 3_000;
        var (breaker, clock) = TestBreakers.Create(new CircuitBreakerOptions { FailureThreshold = 1, HalfOpenMaxProbes = MaxProbes });
        breaker.DriveTo(clock, CircuitState.HalfOpen);
        var inFlight = 0;
        var mostInFlight = 0;

        Race.Run(Race.Threads, rounds: 1, beforeRound: _ => { }, body: (_, _) =>
        {
            for (var i = 0; i < CallsPerThread; i++)
            {
                var permit = breaker.TryAcquire();
                if (!permit.IsAdmitted)
                {
                    continue;
                }

                InterlockedMax(ref mostInFlight, Interlocked.Increment(ref inFlight));
                Thread.Yield(); // hold the slot across a point where the other threads get the core
                Interlocked.Decrement(ref inFlight);
                breaker.Complete(permit, CallOutcome.Cancelled); // gives the slot back; HalfOpen stays
            }
        });

        Assert.Equal(MaxProbes, mostInFlight); // reached, so the race was real; never exceeded
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(0, breaker.GetStatus().InFlightRequests);
    }

    [Fact]
    public void MixedOutcomesFromManyThreads_CountsAreExactNoTransitionIsLostAndEventsComeInOrder()
    {
        const int CallsPerThread = 2_000, Repetitions = 10;
        var options = new CircuitBreakerOptions
        {
            FailureThreshold = 3,
            OpenDuration = TimeSpan.FromMilliseconds(5),
            SuccessThreshold = 2,
            HalfOpenMaxProbes = 2,
        };
        var threads = Race.Threads;
        CircuitBreaker breaker = null!;
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = null!;
        ConcurrentQueue<CircuitStateChange> raised = null!;
        var counts = new long[threads, 4]; // successes, failures, cancellations, rejections
        var clockLock = new Lock();

        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            Array.Clear(counts);
            Race.Run(threads, rounds: 1,
                beforeRound: _ =>
                {
                    (breaker, clock) = TestBreakers.Create(options);
                    raised = new ConcurrentQueue<CircuitStateChange>();
                    breaker.StateChanged += (_, change) => raised.Enqueue(change);
                },
                body: (thread, _) =>
                {
                    var random = new Random(thread + (repetition * threads));
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
                            counts[thread, 3]++;
                            continue;
                        }

                        var outcome = (CallOutcome)random.Next(3);
                        counts[thread, (int)outcome]++;
                        breaker.Complete(permit, outcome);
                    }
                });

            long Sum(int kind) => Enumerable.Range(0, threads).Sum(t => counts[t, kind]);
            var status = breaker.GetStatus();
            Assert.Equal(
                (threads * CallsPerThread, Sum(0), Sum(1), Sum(2), Sum(3), 0L),
                (status.TotalRequests, status.SuccessfulRequests, status.FailedRequests, status.CancelledRequests, status.RejectedRequests, status.InFlightRequests));

            // Every change raised exactly once, in the order the changes happened, and the chain of states unbroken.
            var changes = raised.ToList();
            Assert.True(changes.Count > 10, $"only {changes.Count} changes: the race tested little");
            Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => (long)i), changes.Select(c => c.Sequence));
            Assert.All(changes.Zip(changes.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
            Assert.Equal(status.State, changes[^1].To);
        }
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
