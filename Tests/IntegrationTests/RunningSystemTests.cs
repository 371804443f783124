namespace CircuitDemo.IntegrationTests;

/// <summary>The running system end to end: resources, live data, the seed's own breaker test, failure simulation, idempotent payments.</summary>
[Collection(SharedSystem.Name)]
public sealed class RunningSystemTests(CircuitDemoApp system) : IAsyncLifetime
{
    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AllFourResources_AreHealthy()
    {
        foreach (var resource in CircuitDemoApp.Services.Append("gateway"))
        {
            var state = await system.App.ResourceNotifications
                .WaitForResourceHealthyAsync(resource)
                .WaitAsync(TestTimeouts.Step);
            Assert.Equal("Running", state.Snapshot.State?.Text);
        }
    }

    [Fact]
    public async Task UserDashboard_AllHealthy_IsLiveFromAllThreeAndDeterministic()
    {
        var first = await system.DashboardAsync("42");
        var second = await system.DashboardAsync("42");

        Assert.Equal(new SourcesView("live", "live", "live"), first.Sources);
        Assert.Equal("42", first.User.GetProperty("id").GetString());
        Assert.Equal("42", first.Orders.GetProperty("userId").GetString());
        Assert.Equal("42", first.Payments.GetProperty("userId").GetString());
        Assert.Equal(first.User.GetRawText(), second.User.GetRawText());
        Assert.Equal(first.Orders.GetRawText(), second.Orders.GetRawText());
        Assert.Equal(first.Payments.GetRawText(), second.Payments.GetRawText());
        Assert.NotEqual((await system.DashboardAsync("43")).User.GetRawText(), first.User.GetRawText());
    }

    [Fact]
    public async Task PaymentServiceErrors_TripBreaker_FallBackWithoutCalling_ThenRecover()
    {
        // The seed article's own test, end to end: fail, trip, fall back, recover.
        await system.SetFailureModeAsync("payment-service", new { mode = "error", statusCode = 500 });

        var tripped = await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("7"), await system.BreakerAsync("payment-service")),
            r => r.Item2.State == "Open",
            "payment-service's breaker to open");
        Assert.Equal(2, tripped.Item2.FailureCount);
        Assert.Equal("2 consecutive failures", tripped.Item2.StateChanges[^1].Reason);

        var callsWhenOpen = await system.BusinessRequestsAsync("payment-service");
        var degraded = await system.DashboardAsync("7");
        Assert.Equal("fallback:circuit-open", degraded.Sources.Payments);
        Assert.Equal(("live", "live"), (degraded.Sources.User, degraded.Sources.Orders));
        Assert.Equal("Payment service unavailable", degraded.Payments.GetProperty("message").GetString());
        Assert.Equal(0, degraded.Payments.GetProperty("payments").GetArrayLength());
        Assert.Equal(callsWhenOpen, await system.BusinessRequestsAsync("payment-service"));
        Assert.True((await system.BreakerAsync("payment-service")).RejectedRequests >= 1);

        using (var recover = CircuitDemoApp.Admin(HttpMethod.Delete, "/failure-mode"))
        {
            using var payments = system.Service("payment-service");
            (await payments.SendAsync(recover)).EnsureSuccessStatusCode();
        }

        var closed = await Eventually.UntilAsync(
            async () => (await system.DashboardAsync("7"), await system.BreakerAsync("payment-service")),
            r => r.Item2.State == "Closed",
            "payment-service's breaker to close after the open duration and two successful probes");
        var path = closed.Item2.StateChanges.TakeLast(3).Select(c => $"{c.From}->{c.To}");
        Assert.Equal(["Closed->Open", "Open->HalfOpen", "HalfOpen->Closed"], path);
        Assert.Equal("live", (await system.DashboardAsync("7")).Sources.Payments);
    }

    [Fact]
    public async Task SimulateFailure_WithAdminKey_ChangesTheServicesMode()
    {
        using var request = CircuitDemoApp.Admin(HttpMethod.Post, "/simulate-failure/payment", new { mode = "flaky", failureRate = 0.25 });

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var payments = system.Service("payment-service");
        var mode = await payments.GetFromJsonAsync<FailureModeView>("/failure-mode");
        Assert.Equal(new FailureModeView("flaky", null, null, 0.25), mode);
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
            request.Headers.Add("X-Admin-Key", key);
        }

        var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var payments = system.Service("payment-service");
        Assert.Equal("none", (await payments.GetFromJsonAsync<FailureModeView>("/failure-mode"))!.Mode);
    }

    [Fact]
    public async Task PaymentWrite_SameIdempotencyKeyTwice_CreatesOnePayment()
    {
        var key = Guid.NewGuid().ToString();
        async Task<(HttpStatusCode, PaymentView)> PayAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/user/idem-1")
            {
                Content = JsonContent.Create(new { amount = 12.5m, currency = "EUR" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            var response = await system.Gateway.SendAsync(request);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<PaymentView>())!);
        }

        var (firstStatus, first) = await PayAsync();
        var (secondStatus, second) = await PayAsync();

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (firstStatus, secondStatus));
        Assert.Equal(first, second);
        using var payments = system.Service("payment-service");
        var stored = await payments.GetFromJsonAsync<JsonElement>("/payments/user/idem-1");
        Assert.Single(stored.GetProperty("payments").EnumerateArray(), p => p.GetProperty("id").GetString() == first.Id);
    }

    [Fact]
    public async Task PaymentWrite_WithoutIdempotencyKey_Is400()
    {
        var response = await system.Gateway.PostAsJsonAsync("/payments/user/idem-2", new { amount = 1m, currency = "EUR" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
