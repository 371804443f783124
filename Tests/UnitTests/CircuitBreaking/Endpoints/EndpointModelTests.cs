using CircuitDemo.ServiceDefaults.CircuitBreaking;
using CsCheck;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// Random sequences of attempts on four endpoints (each succeeding or failing, some held in flight), clock advances and
/// resets, checked at every step against contract section 4 as stated below: where an attempt may go, whether its
/// failure reaches the service's breaker, and every endpoint's state, streak and ejections.
/// </summary>
public sealed class EndpointModelTests
{
    private static readonly Uri[] Endpoints = [new("http://localhost:3003"), new("http://localhost:3013"), new("http://localhost:3023"), new("http://localhost:3033")];

    private static readonly CircuitBreakerOptions Options = TestBreakers.Options with
    {
        FailureThreshold = 1000,
        EjectionConsecutiveFailures = 2,
        BaseEjectionTime = TimeSpan.FromSeconds(10),
        MaxEjectionTime = TimeSpan.FromSeconds(25),
        MaxEjectionPercent = 50,
    };

    [Fact]
    public void RandomAttempts_MatchTheContractsEjectionRulesAtEveryStep() =>
        Gen.Int[0, 99].Array[1, 150].Sample(RunAndCompare, iter: 5_000);

    private static void RunAndCompare(int[] operations)
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var model = Endpoints.Select(_ => new Model()).ToArray();
        var held = new List<EndpointLease>();

        foreach (var operation in operations)
        {
            ReturnDue();
            switch (operation)
            {
                case < 70:
                    var lease = breaker.Endpoints.Lease(Endpoints, avoid: null);
                    var chosen = Array.IndexOf(Endpoints, lease.Address);
                    Assert.True(model[chosen].Until is null, $"an attempt went to ejected endpoint {chosen}");
                    if (operation < 10)
                    {
                        held.Add(lease);
                        break;
                    }

                    Settle(lease, chosen, operation < 40 ? CallOutcome.Failure : CallOutcome.Success);
                    break;
                case < 80 when held.Count > 0:
                    var late = held[operation % held.Count];
                    held.Remove(late);
                    Settle(late, Array.IndexOf(Endpoints, late.Address), CallOutcome.Failure);
                    break;
                case < 80:
                    break;
                case < 95:
                    clock.Advance(TimeSpan.FromSeconds(operation - 80));
                    break;
                default:
                    breaker.Reset();
                    foreach (var endpoint in model)
                    {
                        (endpoint.Until, endpoint.Streak, endpoint.Ejections) = (null, 0, 0);
                    }

                    break;
            }

            ReturnDue();
            var real = breaker.GetStatus().Endpoints;
            for (var i = 0; i < real.Count; i++)
            {
                Assert.Equal(
                    (model[i].Until is null ? EndpointState.Active : EndpointState.Ejected, model[i].Streak, model[i].Ejections),
                    (real[i].State, real[i].ConsecutiveFailures, real[i].Ejections));
            }
        }

        // An ejected endpoint is back, its streak cleared, once its time is over.
        void ReturnDue()
        {
            var now = clock.GetUtcNow() - TestBreakers.Start;
            foreach (var endpoint in model.Where(e => e.Until <= now))
            {
                (endpoint.Until, endpoint.Streak) = (null, 0);
            }
        }

        void Settle(EndpointLease lease, int index, CallOutcome outcome)
        {
            var now = clock.GetUtcNow() - TestBreakers.Start;
            var expected = outcome == CallOutcome.Failure ? ModelFailure(index, now) : ModelSuccess(index);
            Assert.Equal(expected, lease.Settle(outcome));
        }

        CallOutcome ModelSuccess(int index)
        {
            if (model[index].Until is null)
            {
                model[index].Streak = 0;
            }

            return CallOutcome.Success;
        }

        // Section 4: a failure reaches the service's breaker only when its endpoint is in rotation and no further
        // endpoint may be ejected (at most 50 % of four, rounded down, and never the last one).
        CallOutcome ModelFailure(int index, TimeSpan now)
        {
            var endpoint = model[index];
            if (endpoint.Until is not null)
            {
                return CallOutcome.EndpointFailure;
            }

            endpoint.Streak++;
            var mayEject = model.Count(e => e.Until is not null) < Math.Min(Endpoints.Length * Options.MaxEjectionPercent / 100, Endpoints.Length - 1);
            if (!mayEject)
            {
                return CallOutcome.Failure;
            }

            if (endpoint.Streak >= Options.EjectionConsecutiveFailures)
            {
                endpoint.Ejections++;
                var time = Options.BaseEjectionTime * endpoint.Ejections;
                endpoint.Until = now + (time < Options.MaxEjectionTime ? time : Options.MaxEjectionTime);
            }

            return CallOutcome.EndpointFailure;
        }
    }

    private sealed class Model
    {
        public int Streak { get; set; }

        public int Ejections { get; set; }

        public TimeSpan? Until { get; set; }
    }
}
