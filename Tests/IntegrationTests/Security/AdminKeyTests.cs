namespace CircuitDemo.IntegrationTests.Security;

/// <summary>
/// Every state-changing endpoint of every project, asked without the key and with wrong ones, and with GET. Before
/// each check the system is put in a state where anything wrongly let through would show: every service in a failure
/// mode, every breaker away from Closed.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class AdminKeyTests(CircuitDemoApp system) : IAsyncLifetime
{
    /// <summary>
    /// Every control-plane endpoint as a concrete request (resource, method, path, JSON body), derived from the
    /// services' own endpoint metadata (<see cref="AdminEndpoints"/>).
    /// </summary>
    public static IReadOnlyList<(string Resource, string Method, string Path, string? Body)> StateChangingEndpoints => [.. AdminEndpoints.Requests()];

    private static readonly string?[] WrongKeys =
        [null, "", "wrong-key", CircuitDemoApp.AdminKey + "x", CircuitDemoApp.AdminKey.ToUpperInvariant(), CircuitDemoApp.AdminKey[..^1]];

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task StateChangingEndpoints_WithoutOrWithWrongKey_Are401AndChangeNothing()
    {
        // HalfOpen with no traffic stays HalfOpen: a wrong isolate would make it Isolated, a wrong reset Closed.
        await BreakEverythingAsync();
        var before = await SnapshotAsync();
        Assert.All(before.Breakers, b => Assert.Equal(CircuitState.HalfOpen, b.State));

        foreach (var (resource, method, path, body) in StateChangingEndpoints)
        {
            using var client = system.CreateClient(resource);
            foreach (var key in WrongKeys)
            {
                using var request = Request(method, path, body, key);
                var response = await client.SendAsync(request);

                await ProblemAssert.IsAsync(response, 401);
                Assert.DoesNotContain(CircuitDemoApp.AdminKey, await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task GetRequests_NeverChangeState()
    {
        // Isolated, so that the business GETs among these are rejected rather than becoming probes.
        await BreakEverythingAsync();
        foreach (var breaker in BreakerNames.Gateway)
        {
            using var isolate = CircuitDemoApp.Admin(HttpMethod.Post, $"/circuit-breakers/{breaker}/isolate");
            (await system.Gateway.SendAsync(isolate)).EnsureSuccessStatusCode();
        }

        var before = await SnapshotAsync();
        var gets = new (string Resource, string Path)[]
        {
            (ServiceNames.Gateway, "/user-dashboard/get-only"), (ServiceNames.Gateway, "/circuit-breakers"), (ServiceNames.Gateway, "/health"),
            (ServiceNames.Gateway, "/alive"), (ServiceNames.Gateway, "/circuit-breakers/payment-service/isolate"),
            (ServiceNames.Gateway, "/circuit-breakers/payment-service/reset"), (ServiceNames.Gateway, "/simulate-failure/payment"),
            (ServiceNames.Gateway, "/diagnostics/gc"), (ServiceNames.Gateway, "/payments/user/get-only"),
            (ServiceNames.User, "/failure-mode"), (ServiceNames.User, "/users/get-only"), (ServiceNames.User, "/stats"),
            (ServiceNames.Payment, "/failure-mode"), (ServiceNames.Payment, "/payments/user/get-only"),
        };

        foreach (var (resource, path) in gets)
        {
            using var client = system.CreateClient(resource);
            var response = await client.GetAsync(path);
            Assert.True((int)response.StatusCode is 200 or 405 or 503, $"GET {resource}{path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public void StateChangingEndpoints_ReadFromTheServices_IncludeEveryControlTheContractNames()
    {
        // What the contract (section 5) names; the services may have more, never fewer.
        (string, string, string)[] named =
        [
            .. ServiceNames.Stubs.SelectMany(s => new[] { (s, "PUT", "/failure-mode"), (s, "DELETE", "/failure-mode") }),
            (ServiceNames.Gateway, "POST", "/circuit-breakers/{name}/isolate"),
            (ServiceNames.Gateway, "POST", "/circuit-breakers/{name}/reset"),
            (ServiceNames.Gateway, "POST", "/simulate-failure/{service}"),
            (ServiceNames.Gateway, "POST", "/diagnostics/gc"),
        ];

        Assert.Subset(AdminEndpoints.All.ToHashSet(), named.ToHashSet());
    }

    [Fact]
    public async Task AdminKey_AppearsInNoLogLineAndNoResponse()
    {
        // Use the key for real on every endpoint, then search everything the system said.
        var said = new List<string>();
        foreach (var (resource, method, path, body) in StateChangingEndpoints)
        {
            using var client = system.CreateClient(resource);
            using var request = Request(method, path, body, CircuitDemoApp.AdminKey);
            var response = await client.SendAsync(request);
            said.Add(await response.Content.ReadAsStringAsync());
            said.Add(response.Headers.ToString());
        }

        said.Add(await system.Gateway.GetStringAsync("/circuit-breakers"));
        said.Add(await system.Gateway.GetStringAsync("/health"));
        await system.ResetAsync();

        // The search means something only if every resource's own output was captured.
        var logs = system.Logs;
        foreach (var resource in ServiceNames.Stubs.Append(ServiceNames.Gateway))
        {
            Assert.Contains(logs, r => r.Category?.StartsWith($"AppHost.Resources.{resource}", StringComparison.Ordinal) == true);
        }

        Assert.All(said, s => Assert.DoesNotContain(CircuitDemoApp.AdminKey, s));
        Assert.DoesNotContain(logs, r => $"{r.Message} {r.Exception}".Contains(CircuitDemoApp.AdminKey, StringComparison.Ordinal));
    }

    internal static HttpRequestMessage Request(string method, string path, string? body, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add(HeaderNames.AdminKey, key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    // Every service answering errors, and every breaker (the write side too) tripped and, with nothing calling, HalfOpen.
    private async Task BreakEverythingAsync()
    {
        foreach (var service in ServiceNames.Stubs)
        {
            await system.SetFailureModeAsync(service, new FailureMode(FailureKind.Error, StatusCode: 503));
        }

        await Eventually.UntilAsync(
            async () =>
            {
                await system.DashboardAsync("admin-key-tests");
                using var payment = new HttpRequestMessage(HttpMethod.Post, "/payments/user/admin-key-tests") { Content = JsonContent.Create(new { amount = 1, currency = "EUR" }) };
                payment.Headers.Add(HeaderNames.IdempotencyKey, Guid.NewGuid().ToString());
                await system.Gateway.SendAsync(payment);
                return await system.BreakersAsync();
            },
            breakers => breakers.All(b => b.State == CircuitState.Open),
            "every breaker to open");
        await Eventually.UntilAsync(system.BreakersAsync, breakers => breakers.All(b => b.State == CircuitState.HalfOpen), "every breaker to turn HalfOpen");
    }

    /// <summary>Every failure mode, and every breaker's state and count of changes.</summary>
    private async Task<Snapshot> SnapshotAsync()
    {
        var modes = new List<FailureMode>();
        foreach (var service in ServiceNames.Stubs)
        {
            using var client = system.CreateClient(service);
            modes.Add((await client.GetFromJsonAsync<FailureMode>(Paths.FailureMode))!);
        }

        var breakers = (await system.BreakersAsync()).Select(b => new BreakerState(b.Name, b.State, b.ChangesSoFar));
        return new Snapshot(string.Join("; ", modes), [.. breakers]);
    }

    private sealed record BreakerState(string Name, CircuitState State, long Changes);

    private sealed record Snapshot(string Modes, IReadOnlyList<BreakerState> Breakers)
    {
        public bool Equals(Snapshot? other) => other is not null && Modes == other.Modes && Breakers.SequenceEqual(other.Breakers);

        public override int GetHashCode() => Modes.GetHashCode(StringComparison.Ordinal);
    }
}
