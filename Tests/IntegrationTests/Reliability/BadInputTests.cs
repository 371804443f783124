using CircuitDemo.Contracts;

namespace CircuitDemo.IntegrationTests.Reliability;

/// <summary>
/// Bad input, table by table: each gets the status the README's endpoint tables give, with a ProblemDetails body, never a 500, and the
/// failure mode or breaker state read back afterwards is unchanged.
/// </summary>
[Collection(SharedSystem.Name)]
public sealed class BadInputTests(CircuitDemoApp system) : IAsyncLifetime
{
    public static TheoryData<string> InvalidUserIds =>
    [
        "",
        new string('a', 65),
        "a/b",
        "a..b",
        "a b",
        "a%20b",
        "\"quoted\"",
        "'single'",
        "1' OR '1'='1",
        "1;DROP TABLE users",
        "<script>alert(1)</script>",
        "%3Cscript%3E",
        "ユーザー",
        "café",
        "%F0%9F%98%80",
        "a%2Fb",
        "a\\b",
    ];

    /// <summary>
    /// Paths the HTTP layer deals with before any application code: dot segments are removed (the request is then
    /// for another path, which is 404), and Kestrel refuses a NUL in the request target with a bare 400.
    /// </summary>
    public static TheoryData<string, int, bool> PathsHandledBeforeTheApp => new()
    {
        { "..", 404, true },
        { "%2E%2E", 404, true },
        { "%00", 400, false },
        { "a%00b", 400, false },
    };

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
    [MemberData(nameof(InvalidUserIds))]
    public async Task UserDashboard_InvalidUserId_Is400ProblemAndCallsNoService(string userId)
    {
        var callsBefore = await BusinessRequestsAsync();

        var response = await system.Gateway.GetAsync("/user-dashboard/" + userId);

        await ProblemAssert.IsAsync(response, 400);
        Assert.Equal(callsBefore, await BusinessRequestsAsync());
    }

    [Theory]
    [MemberData(nameof(PathsHandledBeforeTheApp))]
    public async Task UserDashboard_PathRefusedOrRewrittenBeforeTheApp_IsNever500AndCallsNoService(string userId, int status, bool problemBody)
    {
        var callsBefore = await BusinessRequestsAsync();

        var response = await system.Gateway.GetAsync("/user-dashboard/" + userId);

        if (problemBody)
        {
            await ProblemAssert.IsAsync(response, status);
        }
        else
        {
            Assert.Equal(status, (int)response.StatusCode);
        }

        Assert.Equal(callsBefore, await BusinessRequestsAsync());
    }

    [Theory]
    [InlineData("user-service", "/users/")]
    [InlineData("order-service", "/orders/user/")]
    [InlineData("payment-service", "/payments/user/")]
    public async Task Service_InvalidUserId_Is400Problem(string service, string path)
    {
        using var client = system.CreateClient(service);
        foreach (var userId in new[] { new string('x', 65), "a%20b", "%3Cscript%3E", "ユーザー", "1'--" })
        {
            await ProblemAssert.IsAsync(await client.GetAsync(path + userId), 400);
        }
    }

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

    [Theory]
    [InlineData("""{"amount":0,"currency":"EUR"}""")]
    [InlineData("""{"amount":-5,"currency":"EUR"}""")]
    [InlineData("""{"amount":10,"currency":"euro"}""")]
    [InlineData("""{"amount":10}""")]
    [InlineData("""{"amount":"ten","currency":"EUR"}""")]
    [InlineData("""{"amount":10,"currency":"EUR" """)]
    public async Task Payment_InvalidBody_Is400AndStoresNothing(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/user/bad-input")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(HeaderNames.IdempotencyKey, Guid.NewGuid().ToString());

        using var payments = system.CreateClient(ServiceNames.Payment);
        var before = (await payments.GetFromJsonAsync<JsonElement>("/payments/user/bad-input")).GetProperty("payments").GetArrayLength();

        await ProblemAssert.IsAsync(await system.Gateway.SendAsync(request), 400);
        var after = (await payments.GetFromJsonAsync<JsonElement>("/payments/user/bad-input")).GetProperty("payments").GetArrayLength();
        Assert.Equal(before, after);
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

    private async Task<long> BusinessRequestsAsync()
    {
        long total = 0;
        foreach (var service in ServiceNames.Stubs)
        {
            total += await system.BusinessRequestsAsync(service);
        }

        return total;
    }
}
