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
public sealed class InstanceTelemetryTests : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly ClientPipeline _pipeline;

    public InstanceTelemetryTests()
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
        using var gauge = new MetricCollector<int>(meters, CircuitBreakerTelemetry.MeterName, Telemetry.EjectedInstrument);

        var ejected = await FailWritesUntilAsync(status => status.Endpoints.Any(e => e.State == EndpointState.Ejected));
        var ejectedAddress = Assert.Single(ejected.Endpoints, e => e.State == EndpointState.Ejected).Address;

        var counted = Assert.Single(ejections.GetMeasurementSnapshot());
        Assert.Equal(("payment-service:write", "localhost", new Uri(ejectedAddress).Port), ((string)counted.Tags["circuit_breaker.name"]!, (string)counted.Tags["server.address"]!, (int)counted.Tags["server.port"]!));
        gauge.RecordObservableInstruments();
        Assert.Equal(1, gauge.GetMeasurementSnapshot().Single(m => (string)m.Tags["circuit_breaker.name"]! == "payment-service:write").Value);
        var line = Assert.Single(_logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("ejected instance", StringComparison.Ordinal));
        Assert.Contains("payment-service:write", line.Message);
        Assert.Contains(ejectedAddress, line.Message);
        Assert.Contains("3 consecutive failures", line.Message);
    }

    [Fact]
    public async Task EjectionTheCapRefuses_IsCountedOnItsOwnCounter()
    {
        using var overflow = new MetricCollector<long>(_pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CircuitBreakerTelemetry.MeterName, Telemetry.EjectionsOverflowInstrument);

        // Every instance failing alike: the first to reach its threshold is out, the next is kept in by the cap (one of three).
        var status = await FailWritesUntilAsync(status => status.EjectionsRefused > 0);

        overflow.RecordObservableInstruments();
        Assert.Equal(status.EjectionsRefused, overflow.GetMeasurementSnapshot().Single(m => (string)m.Tags["circuit_breaker.name"]! == "payment-service:write").Value);
        Assert.Equal(1, status.Endpoints.Count(e => e.State == EndpointState.Ejected));
    }

    public void Dispose() => _pipeline.Dispose();

    // Every payment fails (both attempts, on two instances) until the write breaker's status says enough; bounded.
    private async Task<ServiceBreakerStatus> FailWritesUntilAsync(Func<ServiceBreakerStatus, bool> enough)
    {
        for (var i = 0; i < 50; i++)
        {
            _pipeline.Answer(HttpStatusCode.InternalServerError);
            _pipeline.Answer(HttpStatusCode.InternalServerError);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://payment-service/payments/user/user-{i}");
            request.Headers.Add(HeaderNames.IdempotencyKey, $"key-{i}");
            await _pipeline.Client.SendAsync(request);
            if (_pipeline.Status("payment-service:write") is var status && enough(status))
            {
                return status;
            }
        }

        throw new InvalidOperationException("50 failed payments did not get there.");
    }
}
