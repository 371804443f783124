using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>Every state-changing endpoint of every project, asked without the key, with a wrong one, and with GET.</summary>
[Collection(SharedSystem.Name)]
public sealed class AdminKeyTests(CircuitDemoApp system) : IAsyncLifetime
{
    /// <summary>Every control-plane endpoint: (resource, method, path, JSON body).</summary>
    public static TheoryData<string, string, string, string?> StateChangingEndpoints => new()
    {
        { "user-service", "PUT", "/failure-mode", """{"mode":"down"}""" },
        { "user-service", "DELETE", "/failure-mode", null },
        { "order-service", "PUT", "/failure-mode", """{"mode":"down"}""" },
        { "order-service", "DELETE", "/failure-mode", null },
        { "payment-service", "PUT", "/failure-mode", """{"mode":"down"}""" },
        { "payment-service", "DELETE", "/failure-mode", null },
        { "gateway", "POST", "/circuit-breakers/payment-service/isolate", null },
        { "gateway", "POST", "/circuit-breakers/payment-service/reset", null },
        { "gateway", "POST", "/circuit-breakers/user-service/isolate", null },
        { "gateway", "POST", "/circuit-breakers/payment-service:write/isolate", null },
        { "gateway", "POST", "/simulate-failure/payment", """{"mode":"down"}""" },
        { "gateway", "POST", "/simulate-failure/user-service", """{"mode":"error"}""" },
        { "gateway", "POST", "/diagnostics/gc", null },
    };

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(StateChangingEndpoints))]
    public async Task StateChangingEndpoint_WithoutOrWithWrongKey_Is401AndChangesNothing(string resource, string method, string path, string? body)
    {
        // Something to change, so that "nothing changed" means something: a mode set and a breaker isolated.
        await system.SetFailureModeAsync("order-service", new { mode = "slow", delayMs = 5 });
        using (var isolate = CircuitDemoApp.Admin(HttpMethod.Post, "/circuit-breakers/order-service/isolate"))
        {
            (await system.Gateway.SendAsync(isolate)).EnsureSuccessStatusCode();
        }

        var before = await SnapshotAsync();
        using var client = resource == "gateway" ? null : system.Service(resource);
        foreach (var key in new[] { null, "", "wrong-key", CircuitDemoApp.AdminKey + "x", CircuitDemoApp.AdminKey.ToUpperInvariant(), CircuitDemoApp.AdminKey[..^1] })
        {
            using var request = Request(method, path, body, key);
            var response = await (client ?? system.Gateway).SendAsync(request);

            await BadInputTests.AssertProblemAsync(response, 401);
            Assert.DoesNotContain(CircuitDemoApp.AdminKey, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task GetRequests_NeverChangeState()
    {
        var before = await SnapshotAsync();
        var gets = new (string Resource, string Path)[]
        {
            ("gateway", "/user-dashboard/get-only"), ("gateway", "/circuit-breakers"), ("gateway", "/health"), ("gateway", "/alive"),
            ("gateway", "/circuit-breakers/payment-service/isolate"), ("gateway", "/circuit-breakers/payment-service/reset"),
            ("gateway", "/simulate-failure/payment"), ("gateway", "/diagnostics/gc"), ("gateway", "/payments/user/get-only"),
            ("user-service", "/failure-mode"), ("user-service", "/users/get-only"), ("user-service", "/stats"),
            ("payment-service", "/failure-mode"), ("payment-service", "/payments/user/get-only"),
        };

        foreach (var (resource, path) in gets)
        {
            using var client = resource == "gateway" ? null : system.Service(resource);
            var response = await (client ?? system.Gateway).GetAsync(path);
            Assert.True((int)response.StatusCode is 200 or 405, $"GET {resource}{path}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AdminKey_AppearsInNoLogLineAndNoResponse()
    {
        // Use the key for real on every endpoint, then search everything the system said.
        var bodies = new List<string>();
        foreach (var (resource, method, path, body) in StateChangingEndpoints.Select(row => ((string)row[0], (string)row[1], (string)row[2], (string?)row[3])))
        {
            using var client = resource == "gateway" ? null : system.Service(resource);
            using var request = Request(method, path, body, CircuitDemoApp.AdminKey);
            var response = await (client ?? system.Gateway).SendAsync(request);
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(response.Headers.ToString());
        }

        bodies.Add(await system.Gateway.GetStringAsync("/circuit-breakers"));
        bodies.Add(await system.Gateway.GetStringAsync("/health"));
        await system.ResetAsync();

        var logs = system.Logs;
        Assert.NotEmpty(logs);
        Assert.All(bodies, b => Assert.DoesNotContain(CircuitDemoApp.AdminKey, b));
        Assert.DoesNotContain(logs, r => $"{r.Message} {r.Exception}".Contains(CircuitDemoApp.AdminKey, StringComparison.Ordinal));
    }

    private static HttpRequestMessage Request(string method, string path, string? body, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Every failure mode and every breaker's state, as one comparable string.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var service in CircuitDemoApp.Services)
        {
            using var client = system.Service(service);
            parts.Add(service + "=" + await client.GetStringAsync("/failure-mode"));
        }

        parts.AddRange((await system.BreakersAsync()).Select(b => $"{b.Name}={b.State}"));
        return string.Join("; ", parts);
    }
}

/// <summary>The same system with no admin key configured for any project: the control plane is switched off.</summary>
public sealed class NoAdminKeyApp : CircuitDemoApp
{
    protected override void ConfigureBuilder(IDistributedApplicationTestingBuilder builder)
    {
        // Added last, so it runs after the AppHost's WithEnvironment("Admin__Key", ...) and blanks it.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables["Admin__Key"] = ""));
        }
    }
}

public sealed class NoAdminKeyTests(NoAdminKeyApp system) : IClassFixture<NoAdminKeyApp>
{
    [Theory]
    [MemberData(nameof(AdminKeyTests.StateChangingEndpoints), MemberType = typeof(AdminKeyTests))]
    public async Task StateChangingEndpoint_NoKeyConfigured_Is404EvenWithAKey(string resource, string method, string path, string? body)
    {
        using var client = resource == "gateway" ? null : system.Service(resource);
        foreach (var key in new[] { null, CircuitDemoApp.AdminKey, "" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (key is not null)
            {
                request.Headers.Add("X-Admin-Key", key);
            }

            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            }

            await BadInputTests.AssertProblemAsync(await (client ?? system.Gateway).SendAsync(request), 404);
        }

        foreach (var service in CircuitDemoApp.Services)
        {
            using var serviceClient = system.Service(service);
            Assert.Equal("none", (await serviceClient.GetFromJsonAsync<FailureModeView>("/failure-mode"))!.Mode);
        }

        Assert.All(await system.BreakersAsync(), b => Assert.Equal("Closed", b.State));
    }
}
