using CircuitDemo.Gateway.Dashboard;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.UnitTests.CircuitBreaking;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Gateway;

/// <summary>A dashboard section always comes back, live or as its fallback: no exception from below it escapes as a 500.</summary>
public class DownstreamClientTests
{
    public static TheoryData<Exception, string> Failures => new()
    {
        { new HttpRequestException("refused"), "fallback:unavailable" },
        { new HttpRequestException("500", null, System.Net.HttpStatusCode.InternalServerError), "fallback:error" },
        { new TimeoutRejectedException(), "fallback:timeout" },
        { new InvalidOperationException("a defect of the gateway, or a library's check the validator missed"), "fallback:error" },
        { new NullReferenceException(), "fallback:error" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task GetUser_AnyExceptionBelow_ServesTheFallbackWithItsReason(Exception failure, string reason)
    {
        using var http = new HttpClient(new StubHandler((_, _) => Task.FromException<HttpResponseMessage>(failure))) { BaseAddress = new Uri("http://user-service") };
        var users = new UserServiceClient(http, NullLogger<UserServiceClient>.Instance);

        var (user, source) = await users.GetUserAsync("42", CancellationToken.None);

        Assert.Equal((reason, Fallbacks.User("42")), (source, user));
    }

    [Fact]
    public async Task GetUser_GatewaysOwnCallerCancelled_PropagatesTheCancellation()
    {
        using var caller = new CancellationTokenSource();
        var handler = new StubHandler((_, _) =>
        {
            caller.Cancel();
            return Task.FromException<HttpResponseMessage>(new TaskCanceledException());
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://user-service") };
        var users = new UserServiceClient(http, NullLogger<UserServiceClient>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => users.GetUserAsync("42", caller.Token));
    }
}
