using Microsoft.Extensions.DependencyInjection;

namespace CircuitDemo.AppHost.CircuitBreakers;

/// <summary>The gateway's breakers as rows of their own on the dashboard's Resources page.</summary>
internal static class CircuitBreakerRowsExtensions
{
    /// <summary>
    /// Adds a row per breaker, a child of the gateway: its state is the breaker's state (Open an error, HalfOpen a
    /// warning), its properties the streak, the time to the next probe, the counts and the last change's reason, and
    /// its Isolate and Reset buttons act on it (on every replica), each enabled only where it changes something.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCircuitBreakerRows(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> adminKey, IEnumerable<string> breakerNames)
    {
        var builder = gateway.ApplicationBuilder;
        var rows = breakerNames.Select(name => builder.AddResource(new CircuitBreakerResource(name))
            .WithParentRelationship(gateway)
            .WithIconName("PlugDisconnected")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "CircuitBreaker",
                State = new ResourceStateSnapshot(BreakerRowSnapshot.WaitingState, KnownResourceStateStyles.Info),
                Properties = [],
            })
            .ExcludeFromManifest()
            .WithBreakerCommand("isolate", "Isolate", "LockClosed", enabledUnless: "Isolated",
                confirmation: $"Isolate {name}? Every call through it is rejected until you press Reset.")
            .WithBreakerCommand("reset", "Reset", "ArrowReset", enabledUnless: "Closed", confirmation: null)
            .Resource).ToList();

        builder.Services.AddSingleton(new BreakerRows(gateway.Resource, rows, adminKey));
        builder.Services.AddSingleton<BreakerReports>();
        builder.Services.AddSingleton<BreakerRowPublisher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<BreakerRowPublisher>());
        return gateway;
    }

    private static IResourceBuilder<CircuitBreakerResource> WithBreakerCommand(
        this IResourceBuilder<CircuitBreakerResource> row, string action, string displayName, string icon, string enabledUnless, string? confirmation) =>
        row.WithCommand(
            action,
            displayName,
            context => context.Services.GetRequiredService<BreakerRowPublisher>()
                .SendToEveryReplicaAsync(row.Resource.BreakerName, action, context.CancellationToken),
            new CommandOptions
            {
                IconName = icon,
                IsHighlighted = true,
                ConfirmationMessage = confirmation,
                Description = $"{displayName}: {(action == "isolate" ? "reject every call until reset" : "close the circuit and clear its counts")}",
                UpdateState = context => context.ResourceSnapshot.State?.Text is { } state && state != enabledUnless && state != BreakerRowSnapshot.WaitingState
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
}
