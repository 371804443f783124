namespace CircuitDemo.IntegrationTests.Security;

/// <summary>
/// Bad input to the control plane: failure modes, simulated failures and breaker commands are refused and change nothing.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class BadControlInputTests(CircuitDemoApp system) : IAsyncLifetime
{
    public static TheoryData<string, string, int> InvalidFailureModes => new()
    {
        { "unknown mode", """{"mode":"explode"}""", 400 },
        { "mode in capitals", """{"mode":"ERROR"}""", 400 },
        { "status below 500", """{"mode":"error","statusCode":404}""", 400 },
        { "status above 599", """{"mode":"error","statusCode":600}""", 400 },
        { "status as string", """{"mode":"error","statusCode":"500"}""", 400 },
        { "status fractional", """{"mode":"error","statusCode":500.5}""", 400 },
        { "negative delay", """{"mode":"slow","delayMs":-1}""", 400 },
        { "delay too long", """{"mode":"slow","delayMs":120001}""", 400 },
        { "delay missing", """{"mode":"slow"}""", 400 },
        { "rate above 1", """{"mode":"flaky","failureRate":1.5}""", 400 },
        { "rate negative", """{"mode":"flaky","failureRate":-0.1}""", 400 },
        { "rate as bool", """{"mode":"flaky","failureRate":true}""", 400 },
        { "rate missing", """{"mode":"flaky"}""", 400 },
        { "mode missing", """{"statusCode":500}""", 400 },
        { "mode as number", """{"mode":1}""", 400 },
        { "mode null", """{"mode":null}""", 400 },
        { "array", """[{"mode":"down"}]""", 400 },
        { "empty object", "{}", 400 },
        { "empty body", "", 400 },
        { "malformed JSON", """{"mode":"down" """, 400 },
        { "trailing garbage", """{"mode":"down"} x""", 400 },
        { "not JSON at all", "mode=down", 400 },
        { "trickle duration missing", """{"mode":"trickle"}""", 400 },
        { "trickle duration negative", """{"mode":"trickle","durationMs":-5}""", 400 },
        { "trickle duration too long", """{"mode":"trickle","durationMs":120001}""", 400 },
        { "garbage body unknown", """{"mode":"garbage","body":"xml"}""", 400 },
        { "garbage body as number", """{"mode":"garbage","body":1}""", 400 },
        { "busy status 500", """{"mode":"busy","statusCode":500,"retryAfterSeconds":5}""", 400 },
        { "busy status 504", """{"mode":"busy","statusCode":504,"retryAfterSeconds":5}""", 400 },
        { "busy retry-after missing", """{"mode":"busy","statusCode":503}""", 400 },
        { "busy retry-after negative", """{"mode":"busy","retryAfterSeconds":-1}""", 400 },
        { "huge size missing", """{"mode":"huge"}""", 400 },
        { "huge size zero", """{"mode":"huge","sizeBytes":0}""", 400 },
        { "huge size over 1 GB", """{"mode":"huge","sizeBytes":1000000001}""", 400 },
        { "huge size fractional", """{"mode":"huge","sizeBytes":1.5}""", 400 },
    };

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(InvalidFailureModes))]
    public async Task FailureMode_InvalidBody_IsRefusedAndModeUnchanged(string why, string body, int status)
    {
        _ = why;
        await system.SetFailureModeAsync(ServiceNames.Order, new FailureMode(FailureKind.Slow, DelayMs: 10));

        foreach (var service in ServiceNames.Stubs)
        {
            using var client = system.CreateClient(service);
            using var direct = Put("/failure-mode", body, "application/json");
            await ProblemAssert.IsAsync(await client.SendAsync(direct), status);
        }

        using var viaGateway = Put("/simulate-failure/order", body, "application/json", HttpMethod.Post);
        await ProblemAssert.IsAsync(await system.Gateway.SendAsync(viaGateway), status);

        Assert.Equal(new FailureMode(FailureKind.Slow, DelayMs: 10), await ModeAsync(ServiceNames.Order));
        Assert.Equal(FailureMode.None, await ModeAsync(ServiceNames.User));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task FailureMode_WrongContentType_Is415AndModeUnchanged(string contentType)
    {
        using var client = system.CreateClient(ServiceNames.Payment);
        using var request = Put("/failure-mode", """{"mode":"down"}""", contentType);

        await ProblemAssert.IsAsync(await client.SendAsync(request), 415);
        Assert.Equal(FailureMode.None, await ModeAsync(ServiceNames.Payment));
    }

    [Fact]
    public async Task FailureMode_OneMegabyteBody_Is413AndModeUnchanged()
    {
        var body = "{\"mode\":\"down\",\"padding\":\"" + new string('x', 1024 * 1024) + "\"}";
        using var client = system.CreateClient(ServiceNames.User);
        using var direct = Put("/failure-mode", body, "application/json");
        using var viaGateway = Put("/simulate-failure/user-service", body, "application/json", HttpMethod.Post);

        await ProblemAssert.IsAsync(await client.SendAsync(direct), 413);
        await ProblemAssert.IsAsync(await system.Gateway.SendAsync(viaGateway), 413);
        Assert.Equal(FailureMode.None, await ModeAsync(ServiceNames.User));
    }

    [Theory]
    [InlineData("inventory")]
    [InlineData("gateway")]
    [InlineData("payments")]
    [InlineData("user-service-2")]
    [InlineData("%2E%2E")]
    public async Task SimulateFailure_UnknownService_Is404AndChangesNothing(string service)
    {
        using var request = Put($"/simulate-failure/{service}", """{"mode":"down"}""", "application/json", HttpMethod.Post);

        await ProblemAssert.IsAsync(await system.Gateway.SendAsync(request), 404);
        foreach (var known in ServiceNames.Stubs)
        {
            Assert.Equal(FailureMode.None, await ModeAsync(known));
        }
    }

    [Theory]
    [InlineData("isolate", "inventory-service")]
    [InlineData("reset", "inventory-service")]
    [InlineData("isolate", "payment-service:read")]
    [InlineData("isolate", "PAYMENT")]
    public async Task CircuitBreakerCommand_UnknownBreaker_Is404AndChangesNothing(string command, string breaker)
    {
        using var request = CircuitDemoApp.Admin(HttpMethod.Post, $"/circuit-breakers/{Uri.EscapeDataString(breaker)}/{command}");

        await ProblemAssert.IsAsync(await system.Gateway.SendAsync(request), 404);
        Assert.All(await system.BreakersAsync(), b => Assert.Equal(CircuitState.Closed, b.State));
    }

    private static HttpRequestMessage Put(string path, string body, string contentType, HttpMethod? method = null)
    {
        var request = CircuitDemoApp.Admin(method ?? HttpMethod.Put, path);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return request;
    }

    private async Task<FailureMode> ModeAsync(string service)
    {
        using var client = system.CreateClient(service);
        return (await client.GetFromJsonAsync<FailureMode>("/failure-mode"))!;
    }
}
