using CircuitDemo.AppHost.BreakerRows;

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitDemo.IntegrationTests.AppHostParts;

/// <summary>With several gateway replicas, commands reach every one and the health is the worst any reports.</summary>
public sealed class ReplicaFanOutTests
{
    private static readonly Uri[] Replicas = [new("http://127.0.0.1:5001"), new("http://127.0.0.1:5002"), new("http://127.0.0.1:5003")];

    [Fact]
    public async Task Command_OneReplicaFails_TheOthersStillGetIt_AndTheResultNamesTheOneThatFailed()
    {
        var reached = new List<Uri>();
        var result = await EveryReplica.SendAsync(
            Replicas,
            (replica, _) =>
            {
                lock (reached)
                {
                    reached.Add(replica);
                }

                return replica.Port == 5001
                    ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("broken") })
                    : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            },
            CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(Replicas, reached.OrderBy(r => r.Port));
        Assert.Contains("2 of 3", result.Message);
        Assert.Contains("127.0.0.1:5001/ answered 500: broken", result.Message);
        Assert.DoesNotContain("5002", result.Message);
    }

    [Fact]
    public async Task Command_AReplicaUnreachable_IsReportedNotThrown()
    {
        var result = await EveryReplica.SendAsync(
            Replicas,
            (replica, _) => replica.Port == 5003
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"))
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
            CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("127.0.0.1:5003/ could not be reached: Connection refused", result.Message);
    }

    [Fact]
    public async Task Health_OneReplicaOfThreeDegraded_IsDegraded_AndEveryReplicaWasRead()
    {
        var read = new List<int>();
        using var http = new HttpClient(new Answering(request =>
        {
            lock (read)
            {
                read.Add(request.RequestUri!.Port);
            }

            var status = request.RequestUri.Port == 5002 ? "Degraded" : "Healthy";
            var description = status == "Degraded" ? "payment-service is Open" : null;
            return JsonSerializer.Serialize(new
            {
                status,
                entries = new Dictionary<string, object?> { ["circuit-breaker:payment-service"] = new { status, description } },
            });
        }));
        var check = new GatewayHealthCheck(() => Replicas, http);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("payment-service is Open", result.Description);
        Assert.Equal([5001, 5002, 5003], read.Order());
    }

    private sealed class Answering(Func<HttpRequestMessage, string> json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json(request), System.Text.Encoding.UTF8, "application/json") });
    }
}
