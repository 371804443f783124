using CircuitDemo.Contracts;
using OpenTelemetry.Metrics;

namespace CircuitDemo.Traffic;

/// <summary>Registers the traffic generator and its meter.</summary>
public static class TrafficExtensions
{
    /// <summary>Adds the generator, its options (validated at start), its meter, and its HttpClient to the gateway.</summary>
    public static IHostApplicationBuilder AddTrafficGenerator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrafficOptions>().BindConfiguration(TrafficOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TrafficMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(TrafficMetrics.MeterName));
        // The gateway has no breaker in this process (only the services a process declares get one), so the client's own
        // timeout bounds a request: the gateway answers within its slowest read's two attempts.
        builder.Services.AddHttpClient<TrafficGenerator>(client =>
        {
            client.BaseAddress = new Uri($"http://{ServiceNames.Gateway}");
            client.Timeout = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddHostedService(provider => provider.GetRequiredService<TrafficGenerator>());
        return builder;
    }
}
