using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>
/// Outlier ejection per endpoint (contract section 4), on a fake clock: one bad instance of three is ejected and never
/// opens the service's breaker; every instance bad opens it as before.
/// </summary>
public sealed class EndpointEjectionTests
{
    private static readonly Uri A = new("http://localhost:3003");
    private static readonly Uri B = new("http://localhost:3013");
    private static readonly Uri C = new("http://localhost:3023");
    private static readonly Uri D = new("http://localhost:3033");
    private static readonly Uri[] Three = [A, B, C];

    private static readonly CircuitBreakerOptions Options = TestBreakers.Options with
    {
        EjectionConsecutiveFailures = 3,
        BaseEjectionTime = TimeSpan.FromSeconds(30),
        MaxEjectionTime = TimeSpan.FromSeconds(75),
        MaxEjectionPercent = 50,
    };

    [Fact]
    public void OneBadEndpointOfThree_IsEjectedAtItsThirdFailure_AndTheServiceBreakerNeverCountsIt()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        var sentToB = 0;
        for (var i = 0; i < 300; i++)
        {
            var address = breaker.CallEndpoint(Three, a => a == B ? CallOutcome.Failure : CallOutcome.Success);
            sentToB += address == B ? 1 : 0;
        }

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.FailureCount);
        Assert.Empty(status.StateChanges);
        Assert.Equal(3, sentToB);
        var b = status.Endpoints.Single(e => e.Address == "http://localhost:3013");
        Assert.Equal((EndpointState.Ejected, 3, 1, 3L, 3L), (b.State, b.ConsecutiveFailures, b.Ejections, b.TotalRequests, b.FailedRequests));
        Assert.Equal(TestBreakers.Start + Options.BaseEjectionTime, b.EjectedUntil);
        Assert.All(status.Endpoints.Where(e => e != b), e => Assert.Equal((EndpointState.Active, 0L), (e.State, e.FailedRequests)));
        Assert.Equal(300, status.TotalRequests);
        Assert.Equal(3, status.FailedRequests);
    }

    [Fact]
    public void EveryEndpointBad_OneIsEjected_ThenExactlyTheThresholdOfFailuresOpensTheServiceBreaker()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        var calls = 0;
        while (breaker.GetStatus().Endpoints is not { Count: > 0 } endpoints || endpoints.All(e => e.State == EndpointState.Active))
        {
            breaker.CallEndpoint(Three, _ => CallOutcome.Failure);
            Assert.True(++calls <= 7, "no endpoint ejected after two failures of each and a third of one");
            Assert.Equal(CircuitState.Closed, breaker.State);
        }

        // The cap (one of three) is reached: every failure from here on is the service's.
        for (var i = 1; i < Options.FailureThreshold; i++)
        {
            breaker.CallEndpoint(Three, _ => CallOutcome.Failure);
            Assert.Equal(CircuitState.Closed, breaker.State);
        }

        breaker.CallEndpoint(Three, _ => CallOutcome.Failure);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void SingleEndpoint_IsNeverEjected_AndItsFailuresOpenTheBreakerAsWithoutEndpoints()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < Options.FailureThreshold; i++)
        {
            Assert.Equal(CircuitState.Closed, breaker.State);
            breaker.CallEndpoint([A], _ => CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(EndpointState.Active, breaker.GetStatus().Endpoints.Single().State);
    }

    [Fact]
    public void EjectionOff_NoEndpointIsEjected_AndEveryFailureIsTheService()
    {
        var (breaker, _) = TestBreakers.Create(Options with { EjectionConsecutiveFailures = 0 });

        for (var i = 0; i < Options.FailureThreshold; i++)
        {
            breaker.CallEndpoint(Three, _ => CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.All(breaker.GetStatus().Endpoints, e => Assert.Equal(EndpointState.Active, e.State));
    }

    [Fact]
    public void PercentCap_OfFourAtFiftyPercentTwoAreEjected_TheThirdBadOneStaysInAndOpensTheServiceBreaker()
    {
        var (breaker, _) = TestBreakers.Create(Options with { FailureThreshold = 2 });
        Uri[] four = [A, B, C, D];

        for (var i = 0; i < 400 && breaker.State == CircuitState.Closed; i++)
        {
            breaker.CallEndpoint(four, a => a == A ? CallOutcome.Success : CallOutcome.Failure);
        }

        var status = breaker.GetStatus();
        Assert.Equal(CircuitState.Open, status.State);
        Assert.Equal(2, status.Endpoints.Count(e => e.State == EndpointState.Ejected));
        Assert.Equal(2, status.Endpoints.Count(e => e.State == EndpointState.Active));
        Assert.Equal(EndpointState.Active, status.Endpoints[0].State);
    }

    [Fact]
    public void PercentCapRoundsDown_OfThreeAtTwentyPercentNoneIsEjected()
    {
        var (breaker, _) = TestBreakers.Create(Options with { MaxEjectionPercent = 20 });

        for (var i = 0; i < Options.FailureThreshold; i++)
        {
            breaker.CallEndpoint(Three, a => a == B ? CallOutcome.Failure : CallOutcome.Failure);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.All(breaker.GetStatus().Endpoints, e => Assert.Equal(EndpointState.Active, e.State));
    }

    [Fact]
    public void EjectedEndpoint_IsBackWhenItsTimeIsOver_WithItsStreakCleared_AndEachEjectionLastsLongerUpToTheCap()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        var changes = new List<EndpointChange>();
        breaker.EndpointChanged += (_, change) => changes.Add(change);

        TimeSpan[] expected = [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(75)];
        foreach (var time in expected)
        {
            var ejectedAt = EjectB(breaker, clock);
            var b = breaker.GetStatus().Endpoints[1];
            Assert.Equal(ejectedAt + time, b.EjectedUntil);

            clock.Advance(time - TimeSpan.FromMilliseconds(1));
            Assert.Equal(EndpointState.Ejected, breaker.GetStatus().Endpoints[1].State);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            b = breaker.GetStatus().Endpoints[1];
            Assert.Equal((EndpointState.Active, 0, (DateTimeOffset?)null), (b.State, b.ConsecutiveFailures, b.EjectedUntil));
        }

        Assert.Equal(
            [EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active, EndpointState.Ejected, EndpointState.Active],
            changes.Select(c => c.State));
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4], changes.Select(c => c.Ejections));
        Assert.All(changes, c => Assert.Equal("http://localhost:3013", c.Address));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), changes.Select(c => c.Sequence));
    }

    [Fact]
    public void Reset_BringsEveryEndpointBack_AndForgetsTheGrowthOfTheEjectionTime()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        EjectB(breaker, clock);
        clock.Advance(Options.BaseEjectionTime);
        EjectB(breaker, clock);
        Assert.Equal(2, breaker.GetStatus().Endpoints[1].Ejections);

        breaker.Reset();

        var b = breaker.GetStatus().Endpoints[1];
        Assert.Equal((EndpointState.Active, 0, 0), (b.State, b.ConsecutiveFailures, b.Ejections));
        var ejectedAt = EjectB(breaker, clock);
        Assert.Equal(ejectedAt + Options.BaseEjectionTime, breaker.GetStatus().Endpoints[1].EjectedUntil);
    }

    [Fact]
    public void ChoiceOfTwo_NeverSendsToTheEndpointWithMoreCallsInFlight_WhileTheOthersHaveFewer()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var held = LeaseUntil(breaker, Three, B);

        for (var i = 0; i < 200; i++)
        {
            var lease = breaker.Endpoints.Lease(Three, avoid: null);
            Assert.NotEqual(B, lease.Address);
            lease.Settle(CallOutcome.Success);
        }

        held.Settle(CallOutcome.Success);
        Assert.Equal(0, breaker.GetStatus().Endpoints.Sum(e => e.InFlightRequests));
    }

    [Fact]
    public void ChoiceOfTwo_SpreadsCallsOverEveryIdleEndpoint()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < 300; i++)
        {
            breaker.CallEndpoint(Three, _ => CallOutcome.Success);
        }

        Assert.All(breaker.GetStatus().Endpoints, e => Assert.InRange(e.TotalRequests, 50, 150));
    }

    [Fact]
    public void Retry_GoesToAnotherEndpointThanTheOneItFailedOn()
    {
        var (breaker, _) = TestBreakers.Create(Options);

        for (var i = 0; i < 200; i++)
        {
            var first = breaker.Endpoints.Lease(Three, avoid: null);
            first.Settle(CallOutcome.Success);
            var retry = breaker.Endpoints.Lease(Three, avoid: first.Address);
            Assert.NotEqual(first.Address, retry.Address);
            retry.Settle(CallOutcome.Success);
        }
    }

    [Fact]
    public void Retry_WithOnlyTheFailedEndpointInRotation_GoesThereAgain()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        EjectB(breaker, clock);

        var retry = breaker.Endpoints.Lease([A, B], avoid: A);

        Assert.Equal(A, retry.Address);
    }

    [Fact]
    public void FailureOfACallInFlightWhenItsEndpointWasEjected_IsTheEndpointsAlone()
    {
        var (breaker, clock) = TestBreakers.Create(Options with { FailureThreshold = 1 });
        var permit = breaker.TryAcquire();
        var late = LeaseUntil(breaker, Three, B);

        // One call in flight on each, so that the choice of two still falls on B.
        var others = new[] { LeaseUntil(breaker, Three, A), LeaseUntil(breaker, Three, C) };
        EjectB(breaker, clock);

        breaker.Complete(permit, late.Settle(CallOutcome.Failure));
        Array.ForEach(others, lease => lease.Settle(CallOutcome.Success));

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(4, breaker.GetStatus().Endpoints[1].FailedRequests);
    }

    [Fact]
    public void Lease_SettledTwice_CountsOnce()
    {
        var (breaker, _) = TestBreakers.Create(Options);
        var lease = breaker.Endpoints.Lease(Three, avoid: null);

        lease.Settle(CallOutcome.Failure);
        lease.Settle(CallOutcome.Failure);

        Assert.Equal((1L, 0), (breaker.GetStatus().Endpoints.Sum(e => e.FailedRequests), breaker.GetStatus().Endpoints.Sum(e => e.InFlightRequests)));
    }

    [Fact]
    public void ResolvedEndpointsChange_TheNewListIsTracked_AndAKeptEndpointKeepsItsRecord()
    {
        var (breaker, clock) = TestBreakers.Create(Options);
        EjectB(breaker, clock);

        breaker.CallEndpoint([B, C, D], _ => CallOutcome.Success);

        var endpoints = breaker.GetStatus().Endpoints;
        Assert.Equal(["http://localhost:3013", "http://localhost:3023", "http://localhost:3033"], endpoints.Select(e => e.Address));
        Assert.Equal(EndpointState.Ejected, endpoints[0].State);
    }

    // Fails B three times in a row (the other endpoints answer) and returns when it was ejected.
    private static DateTimeOffset EjectB(CircuitBreaker breaker, FakeTimeProvider clock)
    {
        for (var i = 0; i < Options.EjectionConsecutiveFailures; i++)
        {
            var permit = breaker.TryAcquire();
            var lease = LeaseUntil(breaker, Three, B);
            breaker.Complete(permit, lease.Settle(CallOutcome.Failure));
        }

        Assert.Equal(EndpointState.Ejected, breaker.GetStatus().Endpoints[1].State);
        return clock.GetUtcNow();
    }

    // Leases until the choice falls on `wanted` (settling the others as successes) and returns that lease, unsettled.
    private static EndpointLease LeaseUntil(CircuitBreaker breaker, Uri[] endpoints, Uri wanted)
    {
        for (var i = 0; i < 1000; i++)
        {
            var lease = breaker.Endpoints.Lease(endpoints, avoid: null);
            if (lease.Address == wanted)
            {
                return lease;
            }

            lease.Settle(CallOutcome.Success);
        }

        throw new InvalidOperationException($"{wanted} was never chosen.");
    }
}

/// <summary>One call through a breaker to one of its endpoints, in the order the pipeline takes them.</summary>
internal static class EndpointCalls
{
    public static Uri? CallEndpoint(this CircuitBreaker breaker, Uri[] endpoints, Func<Uri, CallOutcome> outcomeOf)
    {
        var permit = breaker.TryAcquire();
        if (!permit.IsAdmitted)
        {
            return null;
        }

        var lease = breaker.Endpoints.Lease(endpoints, avoid: null);
        breaker.Complete(permit, lease.Settle(outcomeOf(lease.Address)));
        return lease.Address;
    }
}
