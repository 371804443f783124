namespace CircuitDemo.AppHost;

/// <summary>How the projects send their telemetry to the dashboard.</summary>
internal static class TelemetryExportExtensions
{
    /// <summary>OpenTelemetry's setting for how long one export may take, in milliseconds.</summary>
    private const string ExportTimeoutVariable = "OTEL_EXPORTER_OTLP_TIMEOUT";

    private const string DefaultExportTimeoutMs = "1000";

    /// <summary>
    /// When the AppHost runs the system, gives every project an OTLP export timeout of one second (OpenTelemetry's
    /// default is ten) unless the AppHost's configuration sets <c>OTEL_EXPORTER_OTLP_TIMEOUT</c>. The dashboard stops
    /// together with the services, and a service's last export, sent as it stops, then waits for an answer that never
    /// comes: with the default, every stop of the whole system took over ten seconds. The dashboard runs beside the
    /// services and answers in milliseconds. A published manifest is left alone: its collector may be far away.
    /// </summary>
    public static IDistributedApplicationBuilder WithShortTelemetryExportTimeout(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var timeout = builder.Configuration[ExportTimeoutVariable] ?? DefaultExportTimeoutMs;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            foreach (var project in @event.Model.Resources.OfType<ProjectResource>())
            {
                project.Annotations.Add(new EnvironmentCallbackAnnotation(ExportTimeoutVariable, () => timeout));
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
