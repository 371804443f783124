using System.Net.ServerSentEvents;

namespace CircuitDemo.IntegrationTests.Gateway;

/// <summary>
/// The gateway as a process of its own: a bad option stops it at start, SIGTERM ends it with streams open, and its answers when a service cannot be reached or is full.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class GatewayProcessTests
{
    [Fact]
    public async Task AttemptTimeoutPollyRefuses_StopsTheGatewayAtStart_NamingTheBreakerAndTheOption()
    {
        await using var gateway = ServiceProcess.Start(PlainGateway.Services(PlainGateway.Nowhere(), ("CircuitBreaker__Services__user-service__AttemptTimeout", "00:00:00.005")));

        // Exited, or answering (which it must not be): whichever comes first.
        using var client = gateway.Client();
        await Eventually.UntilAsync(
            async () => gateway.HasExited || await AnswersAsync(client),
            done => done,
            "the gateway to exit at start",
            TestTimeouts.Startup);

        Assert.True(gateway.HasExited, "The gateway started and answers, with an AttemptTimeout Polly refuses.");
        await gateway.WaitForExitAsync(TestTimeouts.Shutdown); // and its output has been read to the end
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("user-service.Breaker.AttemptTimeout must be between 00:00:00.0100000 and 1.00:00:00", gateway.Output);
    }

    [Fact]
    public async Task Sigterm_WithTransitionStreamsOpen_EndsTheStreamsAndExitsWithoutWaitingForThem()
    {
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(PlainGateway.Nowhere()));
        using var client = gateway.Client();
        using var plain = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path);
        using var withStatus = await PlainGateway.OpenStreamAsync(client, CircuitBreakerStream.Path + "?status=true");

        var took = await gateway.TerminateAsync(TestTimeouts.Shutdown);

        // Kestrel's default shutdown timeout is 30 s: a stream still open would hold the exit that long.
        Assert.True(took < TimeSpan.FromSeconds(10), $"The gateway took {took.TotalSeconds:0.0} s to exit with two streams open.");
        Assert.Equal(0, gateway.ExitCode);
        Assert.Null(await PlainGateway.NextEventAsync(plain.Events)); // each stream ended, rather than being cut off
        Assert.Null(await PlainGateway.NextEventAsync(withStatus.Events));
        TestReport.Text("gateway-stop", $"- SIGTERM to a gateway with two transition streams open: exited in {took.TotalSeconds:0.00} s (Kestrel's shutdown timeout, which an open stream held it to before, is 30 s).\n");
    }

    [Fact]
    public async Task SimulateFailure_ServiceUnreachable_Is502_ServiceSilent_Is504_AsProblemDetails()
    {
        await using var silent = new FakeService(delay: null);
        await using var gateway = await ServiceProcess.StartAliveAsync(new Dictionary<string, string>
        {
            [$"services__{ServiceNames.User}__http__0"] = PlainGateway.Nowhere().ToString(),
            [$"services__{ServiceNames.Order}__http__0"] = silent.Url.ToString(),
            [$"services__{ServiceNames.Payment}__http__0"] = PlainGateway.Nowhere().ToString(),
            [$"CircuitBreaker__Services__{ServiceNames.Order}__AttemptTimeout"] = "00:00:00.200",
            [$"CircuitBreaker__Services__{ServiceNames.Order}__SlowCallDuration"] = "00:00:00.100",
        });
        using var client = gateway.Client();

        foreach (var (service, status) in new[] { ("user", 502), ("order", 504), ("payment-service", 502) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/simulate-failure/{service}") { Content = JsonContent.Create(new { mode = "down" }) };
            request.Headers.Add(HeaderNames.AdminKey, ServiceProcess.AdminKey);
            await ProblemAssert.IsAsync(await client.SendAsync(request), status);
        }
    }

    [Fact]
    public async Task SimulateFailure_OneInstanceOfTwoUnreachable_Is502_SayingWhichInstanceTookTheModeAndWhichDidNot()
    {
        await using var reachable = await ServiceProcess.StartAliveAsync(new Projects.PaymentService(), new Dictionary<string, string>());
        var environment = PlainGateway.Services(PlainGateway.Nowhere());
        environment[$"services__{ServiceNames.Payment}__http__0"] = reachable.Url.ToString();
        environment[$"services__{ServiceNames.Payment}__http__1"] = PlainGateway.Nowhere().ToString();
        await using var gateway = await ServiceProcess.StartAliveAsync(environment);
        using var client = gateway.Client();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/simulate-failure/payment") { Content = JsonContent.Create(new { mode = "error" }) };
        request.Headers.Add(HeaderNames.AdminKey, ServiceProcess.AdminKey);
        var answer = await client.SendAsync(request);
        var body = await answer.Content.ReadAsStringAsync();
        await ProblemAssert.IsAsync(answer, 502);

        using var problem = JsonDocument.Parse(body);
        var (first, second) = (ServiceNames.Instance(ServiceNames.Payment, 1), ServiceNames.Instance(ServiceNames.Payment, 2));
        Assert.Equal([first], problem.RootElement.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([second], problem.RootElement.GetProperty("unchanged").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith($"Set on {first}; not on {second} (", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // What the answer says is what happened: the reachable instance took the mode.
        using var stub = reachable.Client();
        Assert.Equal(FailureKind.Error, (await stub.GetFromJsonAsync<FailureMode>(Paths.FailureMode, StrictJson.Options))!.Mode);
    }

    // Every stub service at one address, and any further settings.
    [Fact]
    public async Task OverTheConcurrencyLimit_TheSectionFallsBackOverloaded_AndAWriteIs503WithRetryAfter()
    {
        // Every service answers after 4 s (time enough for the second call to arrive while the first waits), and
        // payment-service takes one call at a time through each of its breakers.
        await using var slow = new FakeService(TimeSpan.FromSeconds(4));
        await using var gateway = await ServiceProcess.StartAliveAsync(PlainGateway.Services(
            slow.Url,
            ("CircuitBreaker__Services__payment-service__MaxConcurrentCalls", "1"),
            ("CircuitBreaker__Services__payment-service__AttemptTimeout", "00:00:10"),
            ("CircuitBreaker__Services__payment-service__Write__AttemptTimeout", "00:00:10"),
            ("CircuitBreaker__Services__user-service__AttemptTimeout", "00:00:10"),
            ("CircuitBreaker__Services__order-service__AttemptTimeout", "00:00:10")));
        using var client = gateway.Client();

        var first = client.GetAsync($"{Paths.UserDashboard}/42");
        await InFlightAsync(client, ServiceNames.Payment);
        using var second = await client.GetAsync($"{Paths.UserDashboard}/42");
        var overloaded = (await second.Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!;
        Assert.Equal((FallbackReasons.Live, FallbackReasons.Overloaded), (overloaded.Sources.User, overloaded.Sources.Payments));
        Assert.Equal(FallbackReasons.Live, (await (await first).Content.ReadFromJsonAsync<DashboardView>(StrictJson.Options))!.Sources.Payments);

        var pay = client.SendAsync(Payment());
        await InFlightAsync(client, ServiceNames.Payment + BreakerNames.WriteSuffix);
        using var refused = await client.SendAsync(Payment());
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        await ProblemAssert.IsAsync(refused, 503);
        using var paid = await pay;
        Assert.True(paid.IsSuccessStatusCode, $"the admitted write: {(int)paid.StatusCode} {await paid.Content.ReadAsStringAsync()}");

        var breakers = (await client.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers;
        Assert.All(breakers.Where(b => b.Name.StartsWith(ServiceNames.Payment, StringComparison.Ordinal)), b => Assert.Equal((1L, 0L), (b.RejectedRequests, b.FailedRequests)));

        static HttpRequestMessage Payment()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Paths.ForUser(Paths.UserPayments, "42")) { Content = JsonContent.Create(new { amount = 10m, currency = "EUR" }) };
            request.Headers.Add(HeaderNames.IdempotencyKey, Guid.NewGuid().ToString());
            return request;
        }
    }

    private static Task InFlightAsync(HttpClient client, string breaker) => Eventually.UntilAsync(
        async () => (await client.GetFromJsonAsync<BreakersView>(Paths.CircuitBreakers))!.Breakers.Single(b => b.Name == breaker),
        b => b.InFlightRequests == 1,
        $"a call through {breaker} to be in flight");

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync(Paths.Alive)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
