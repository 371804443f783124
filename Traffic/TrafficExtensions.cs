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
        builder.Services.AddHttpClient<TrafficGenerator>(client => client.BaseAddress = new Uri($"http://{ServiceNames.Gateway}"));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<TrafficGenerator>());
        return builder;
    }
}
