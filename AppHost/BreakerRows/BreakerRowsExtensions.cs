using System.Net.Http.Headers;
using CircuitDemo.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// The gateway's breakers on the dashboard, as one opt-in feature: a row per breaker under the gateway, live from the
/// gateway's transition stream, with Isolate, Reset and Explain; each stub instance's row saying what the gateway makes of
/// it; the gateway's own row Degraded while a breaker is not Closed; and links to the breakers' JSON, stream and chart.
/// Everything here is for the dashboard: the system runs the same without it.
/// </summary>
internal static class BreakerRowsExtensions
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Adds the gateway's breakers to the dashboard (see the type's summary); their commands send the admin key.</summary>
    public static IResourceBuilder<ProjectResource> WithBreakerRows(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> adminKey)
    {
        var builder = gateway.ApplicationBuilder;
        var rows = BreakerNames.Gateway.Select(name => builder.AddResource(new CircuitBreakerResource(name))
            .WithParentRelationship(gateway)
            .WithIconName("PlugDisconnected")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "CircuitBreaker",
                State = new ResourceStateSnapshot(BreakerRowSnapshot.WaitingState, KnownResourceStateStyles.Info),
                Properties = [],
            })
            .ExcludeFromManifest()
            .WithBreakerCommand("isolate", "Isolate", "LockClosed", "reject every call until reset",
                enabledWhile: state => state != nameof(CircuitState.Isolated),
                confirmation: $"Isolate {name}? Every call through it is rejected until you press Reset.")
            .WithBreakerCommand("reset", "Reset", "ArrowReset", "close the circuit, clear its counts, bring every instance back",
                enabledWhile: state => state != nameof(CircuitState.Closed), confirmation: null)
            .WithCommand("explain", "Explain", context => ExplainAsync(context, name), new CommandOptions
            {
                IconName = "QuestionCircle",
                IsHighlighted = true,
                Description = "Explain: why the breaker is in its state, its trip rules' counts, its last calls and its instances",
                UpdateState = context => context.ResourceSnapshot.State?.Text == BreakerRowSnapshot.WaitingState
                    ? ResourceCommandState.Disabled
                    : ResourceCommandState.Enabled,
            })
            .Resource).ToList();

        builder.Services.AddSingleton(new BreakerRowSet(gateway.Resource, rows, adminKey));
        builder.Services.AddSingleton<BreakerReports>();
        builder.Services.AddSingleton<GatewayFeed>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<GatewayFeed>());
        return gateway.WithGatewayHealth().WithBreakerLinks();
    }

    private static IResourceBuilder<CircuitBreakerResource> WithBreakerCommand(
        this IResourceBuilder<CircuitBreakerResource> row,
        string action,
        string displayName,
        string icon,
        string what,
        Func<string, bool> enabledWhile,
        string? confirmation) =>
        row.WithCommand(
            action,
            displayName,
            context => context.Services.GetRequiredService<GatewayFeed>().SendToEveryReplicaAsync(
                row.Resource.BreakerName, action, context.CancellationToken),
            new CommandOptions
            {
                IconName = icon,
                IsHighlighted = true,
                ConfirmationMessage = confirmation,
                Description = $"{displayName}: {what}",
                UpdateState = context =>
                    context.ResourceSnapshot.State?.Text is { } state && state != BreakerRowSnapshot.WaitingState && enabledWhile(state)
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });

    // The gateway explains its breaker in Markdown; with several replicas, each explains its own.
    private static async Task<ExecuteCommandResult> ExplainAsync(ExecuteCommandContext context, string breaker)
    {
        var replicas = context.Services.GetRequiredService<GatewayFeed>().ReplicaUrls;
        if (replicas.Count == 0)
        {
            return CommandResults.Failure("The gateway is not running.");
        }

        var parts = await Task.WhenAll(replicas.Select(async replica =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(replica, Paths.BreakerExplanation(breaker)));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/markdown"));
                using var response = await Http.SendAsync(request, context.CancellationToken);
                var text = await response.Content.ReadAsStringAsync(context.CancellationToken);
                return response.IsSuccessStatusCode ? text : $"{replica} answered {(int)response.StatusCode}: {text}";
            }
            catch (Exception exception) when (
                exception is HttpRequestException or TaskCanceledException && !context.CancellationToken.IsCancellationRequested)
            {
                return $"{replica} could not be reached: {exception.Message}";
            }
        }));

        var markdown = replicas.Count == 1
            ? parts[0]
            : string.Join("\n\n", parts.Select((part, i) => $"# Gateway replica {i + 1} ({replicas[i]})\n\n{part}"));

        // In the AppHost's log: a person (or a test) can tell a command that ran from a click that was lost.
        context.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BreakerRowsExtensions).FullName!)
            .LogInformation("Explain of {Breaker} answered, {Length} characters.", breaker, markdown.Length);
        return CommandResults.Success($"{breaker} explained", markdown, CommandResultFormat.Markdown, displayImmediately: true);
    }

    // The gateway's own row is Degraded while any replica's /health says a breaker is not Closed (a tripped breaker still
    // answers 200: the gateway is alive and serving fallbacks).
    private static IResourceBuilder<ProjectResource> WithGatewayHealth(this IResourceBuilder<ProjectResource> gateway)
    {
        var endpoint = gateway.GetEndpoint("http");
        var key = $"{gateway.Resource.Name}-circuit-breakers";
        gateway.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            services => new GatewayHealthCheck(
                () => services.GetRequiredService<GatewayFeed>().ReplicaUrls is { Count: > 0 } urls ? urls : [new Uri(endpoint.Url)],
                Http),
            failureStatus: null,
            tags: null));
        return gateway.WithHealthCheck(key);
    }

    // Links on the gateway's row: the breakers' JSON, their live stream, and (when the dashboard's address is known) the
    // dashboard's own chart of circuit_breaker.state.
    private static IResourceBuilder<ProjectResource> WithBreakerLinks(this IResourceBuilder<ProjectResource> gateway)
    {
        var dashboard = gateway.ApplicationBuilder.Configuration["ASPNETCORE_URLS"]?
            .Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.TrimEnd('/');
        return gateway.WithUrls(context =>
        {
            if (context.GetEndpoint("http") is not { } http)
            {
                return;
            }

            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}{Paths.CircuitBreakers}", DisplayText = "Circuit breakers (JSON)" });
            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}{CircuitBreakerStream.Path}", DisplayText = "Transitions (live stream)" });
            if (dashboard is not null)
            {
                context.Urls.Add(new ResourceUrlAnnotation
                {
                    Url = $"{dashboard}/metrics/resource/{ServiceNames.Gateway}"
                        + $"?meter={Telemetry.CircuitBreakerMeter}&instrument={Telemetry.StateInstrument}",
                    DisplayText = "circuit_breaker.state (chart)",
                });
            }
        });
    }
}
