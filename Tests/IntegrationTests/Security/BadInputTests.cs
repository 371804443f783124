namespace CircuitDemo.IntegrationTests.Security;

/// <summary>
/// Bad input at the gateway and the stubs: user ids, paths, payments; a clear ProblemDetails, and nothing changed.
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
