using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.UnitTests.Observability;

/// <summary>
/// What the endpoints feed the dashboard, through the real pipeline over three instances of payment-service: the
/// ejections counter with the endpoint's address and port, the gauge of endpoints out now, the counter of ejections
/// the cap refused, and a Warning log line per ejection.
/// </summary>
public sealed class EndpointTelemetryTests : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly ClientPipeline _pipeline;

    public EndpointTelemetryTests()
    {
        _pipeline = new ClientPipeline(
            configuration: new()
            {
                ["services:payment-service:http:0"] = "http://localhost:3003",
                ["services:payment-service:http:1"] = "http://localhost:3013",
                ["services:payment-service:http:2"] = "http://localhost:3023",
                ["CircuitBreaker:Services:payment-service:Write:FailureThreshold"] = "100",
            },
            logging: logging => logging.AddProvider(new FakeLoggerProvider(_logs)));
        _ = _pipeline.Registry;
    }

    [Fact]
    public async Task Ejection_IsCountedWithTheEndpointsAddressAndPort_ShownByTheGauge_AndLoggedAsAWarning()
    {
        var meters = _pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var ejections = new MetricCollector<long>(meters, CircuitBreakerTelemetry.MeterName, Telemetry.EjectionsInstrument);
        using var ejected = new MetricCollector<int>(meters, CircuitBreakerTelemetry.MeterName, Telemetry.EjectedInstrument);

        var owner = await FailPaymentsOfAsync("user-7", times: 3);

        var counted = Assert.Single(ejections.GetMeasurementSnapshot());
        Assert.Equal(("payment-service:write", "localhost", new Uri(owner).Port), ((string)counted.Tags["circuit_breaker.name"]!, (string)counted.Tags["server.address"]!, (int)counted.Tags["server.port"]!));
        ejected.RecordObservableInstruments();
        Assert.Equal(1, ejected.GetMeasurementSnapshot().Single(m => (string)m.Tags["circuit_breaker.name"]! == "payment-service:write").Value);
        var line = Assert.Single(_logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("ejected endpoint", StringComparison.Ordinal));
        Assert.Contains("payment-service:write", line.Message);
        Assert.Contains(owner, line.Message);
        Assert.Contains("3 consecutive failures", line.Message);
    }

    [Fact]
    public async Task EjectionTheCapRefuses_IsCountedOnItsOwnCounter()
    {
        using var overflow = new MetricCollector<long>(_pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CircuitBreakerTelemetry.MeterName, Telemetry.EjectionsOverflowInstrument);
        var first = await FailPaymentsOfAsync("user-7", times: 3);

        // Another user's instance, failing as often: one of three may be out, so its ejection is refused.
        var other = Enumerable.Range(0, 100).Select(i => $"user-{i}").First(user => OwnerOf(user) != first);
        await FailPaymentsOfAsync(other, times: 3);

        overflow.RecordObservableInstruments();
        Assert.Equal(1, overflow.GetMeasurementSnapshot().Single(m => (string)m.Tags["circuit_breaker.name"]! == "payment-service:write").Value);
        Assert.Equal(1L, _pipeline.Status("payment-service:write").EjectionsRefused);
    }

    public void Dispose() => _pipeline.Dispose();

    // Payments of one user all go to its instance: failing them fails that instance alone. Returns its address.
    private async Task<string> FailPaymentsOfAsync(string userId, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _pipeline.Answer(HttpStatusCode.InternalServerError);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://payment-service/payments/user/{userId}");
            ServiceInstances.PinToOwnerOf(request, userId);
            await _pipeline.Client.SendAsync(request);
        }

        return OwnerOf(userId);
    }

    private static string OwnerOf(string userId) =>
        new[] { ("payment-service", "http://localhost:3003"), ("payment-service-2", "http://localhost:3013"), ("payment-service-3", "http://localhost:3023") }
            .MaxBy(i => EndpointChoice.Score(i.Item1, userId)).Item2;
}
