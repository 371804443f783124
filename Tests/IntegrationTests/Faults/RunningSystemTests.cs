using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>The running system end to end: resources, live data, the original article's breaker test, failure simulation, idempotent payments.</summary>
[Collection(SharedSystem.Name)]
public sealed class RunningSystemTests(CircuitDemoApp system) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryResource_IsUp_TrafficStartsOnlyWhenAsked_EveryBreakerRowReadsClosed()
    {
        foreach (var resource in ServiceNames.Stubs.Append(ServiceNames.Gateway))
        {
            await system.App.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(TestTimeouts.Step);
            using var client = system.CreateClient(resource);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Paths.Health)).StatusCode); // up as its users see it, not only as Aspire reports it
        }

        var traffic = system.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == ServiceNames.Traffic);
        Assert.True(traffic.HasAnnotationOfType<ExplicitStartupAnnotation>());
        Assert.NotEqual(KnownResourceStates.Running, system.StateOf(ServiceNames.Traffic));
        foreach (var breaker in BreakerNames.Gateway)
        {
            await system.WaitForBreakerRowAsync(breaker, "Closed", TestTimeouts.Step);
        }
    }

    [Fact]
    public async Task UserDashboard_AllHealthy_IsLiveFromAllThreeAndDeterministic()
    {
        var first = await system.DashboardAsync("42");
        var second = await system.DashboardAsync("42");

        Assert.Equal(new DashboardSources(FallbackReasons.Live, FallbackReasons.Live, FallbackReasons.Live), first.Sources);
        Assert.Equal("42", first.User.Id);
        Assert.Equal("42", first.Orders.UserId);
        Assert.Equal("42", first.Payments.UserId);
        Assert.Equal(first.User, second.User);
        Assert.Equal(first.Orders.Orders, second.Orders.Orders);
        Assert.Equal(first.Payments.Payments, second.Payments.Payments);
        Assert.NotEqual(first.User, (await system.DashboardAsync("43")).User);
    }

    [Fact]
    public async Task PaymentServiceErrors_TripBreaker_FallBackWithoutCalling_ThenRecover()
    {
        // The test of the Node.js article this project started from (docs/contract.md, "The outside contract"): fail, trip, fall back, recover.
        var changesBefore = (await system.BreakerAsync(ServiceNames.Payment)).ChangesSoFar;
        await system.SetFailureModeAsync(ServiceNames.Payment, new FailureMode(FailureKind.Error, StatusCode: 500));

        var tripped = await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("7"), await system.BreakerAsync(ServiceNames.Payment)),
            r => r.Item2.ChangesAfter(changesBefore).Any(),
            "payment-service's breaker to open");
        Assert.Equal(2, tripped.Item2.FailureCount);
        var opening = tripped.Item2.ChangesAfter(changesBefore).First();
        Assert.Equal((CircuitState.Closed, CircuitState.Open), (opening.From, opening.To));
        Assert.Contains("consecutive", opening.Reason, StringComparison.Ordinal);

        // While Open (and before the next attempt, after which a call could be a probe): fallback, and no call made.
        var (open, (callsWhenOpen, degraded)) = await system.WhileOpenAsync(ServiceNames.Payment, async () =>
            (await system.BusinessRequestsAsync(ServiceNames.Payment), await system.DashboardAsync("7")));
        Assert.Equal(FallbackReasons.CircuitOpen, degraded.Sources.Payments);
        Assert.Equal(callsWhenOpen, await system.BusinessRequestsAsync(ServiceNames.Payment));
        Assert.True((await system.BreakerAsync(ServiceNames.Payment)).RejectedRequests > open.RejectedRequests);
        Assert.Equal((FallbackReasons.Live, FallbackReasons.Live), (degraded.Sources.User, degraded.Sources.Orders));
        Assert.Equal("Payment service unavailable", degraded.Payments.Message);
        Assert.Empty(degraded.Payments.Payments);

        await system.SetFailureModeAsync(ServiceNames.Payment, FailureMode.None);
        var closed = await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("7"), await system.BreakerAsync(ServiceNames.Payment)),
            r => r.Item2.State == CircuitState.Closed,
            "payment-service's breaker to close after the open duration and two successful probes");
        // Opened, then HalfOpen after each open duration; a busy machine may have sent a probe while the fault was still
        // on (it failed and reopened the circuit), but the last period ended with two successful probes.
        var path = closed.Item2.ChangesAfter(changesBefore).Select(c => $"{c.From}->{c.To}").ToList();
        Assert.Equal("Closed->Open", path[0]);
        Assert.Equal(["Open->HalfOpen", "HalfOpen->Closed"], path[^2..]);
        Assert.All(path[1..^2], change => Assert.Contains(change, new[] { "Open->HalfOpen", "HalfOpen->Open" }));
        Assert.Equal("2 successful probes", closed.Item2.StateChanges[^1].Reason);
        Assert.Equal(FallbackReasons.Live, (await system.DashboardAsync("7")).Sources.Payments);
    }

    [Fact]
    public async Task SimulateFailure_WithAdminKey_ChangesTheServicesMode_AndCreatesNoBreaker()
    {
        using var request = CircuitDemoApp.Admin(HttpMethod.Post, "/simulate-failure/payment", new { mode = "flaky", failureRate = 0.25 });

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var payments = system.CreateClient(ServiceNames.Payment);
        Assert.Equal(new FailureMode(FailureKind.Flaky, FailureRate: 0.25), await payments.GetFromJsonAsync<FailureMode>("/failure-mode"));

        // The control-plane PUT bypassed the breakers: no breaker for it appeared beside the declared ones.
        Assert.Equal(BreakerNames.Gateway.Order(StringComparer.Ordinal), (await system.BreakersAsync()).Select(b => b.Name));
        using var userRequest = CircuitDemoApp.Admin(HttpMethod.Post, "/simulate-failure/user", new { mode = "none" });
        (await system.Gateway.SendAsync(userRequest)).EnsureSuccessStatusCode();
        Assert.DoesNotContain(await system.BreakersAsync(), b => b.Name == "user-service:write");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task SimulateFailure_WithoutTheRightKey_Is401AndChangesNothing(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/simulate-failure/payment-service")
        {
            Content = JsonContent.Create(new { mode = "down" }),
        };
        if (key is not null)
        {
            request.Headers.Add(HeaderNames.AdminKey, key);
        }

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var payments = system.CreateClient(ServiceNames.Payment);
        Assert.Equal(FailureMode.None, await payments.GetFromJsonAsync<FailureMode>("/failure-mode"));
    }

    [Fact]
    public async Task PaymentWrite_SameIdempotencyKeyTwice_CreatesOnePayment()
    {
        var key = Guid.NewGuid().ToString();
        async Task<(HttpStatusCode, Payment)> PayAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/user/idem-1")
            {
                Content = JsonContent.Create(new { amount = 12.5m, currency = "EUR" }),
            };
            request.Headers.Add(HeaderNames.IdempotencyKey, key);
            var response = await system.Gateway.SendAsync(request);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<Payment>())!);
        }

        using var payments = system.CreateClient(ServiceNames.Payment);
        var before = (await payments.GetFromJsonAsync<UserPayments>("/payments/user/idem-1"))!.Payments;

        var (firstStatus, first) = await PayAsync();
        var (secondStatus, second) = await PayAsync();

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (firstStatus, secondStatus));
        Assert.Equal(first, second);
        var after = (await payments.GetFromJsonAsync<UserPayments>("/payments/user/idem-1"))!.Payments;
        var created = after.ExceptBy(before.Select(p => p.Id), p => p.Id).ToList();
        Assert.Equal(first.Id, Assert.Single(created).Id); // exactly one payment was created, and it is the one answered
    }

    [Fact]
    public async Task PaymentWrite_WithoutIdempotencyKey_Is400()
    {
        var response = await system.Gateway.PostAsJsonAsync("/payments/user/idem-2", new { amount = 1m, currency = "EUR" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
