using System.Net.Http.Json;
using System.Text.Json;
using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>A button per failure mode on each stub service's row; the destructive ones ask first.</summary>
internal static class FailureModeCommands
{
    private static readonly FailureButton[] FailureButtons =
    [
        new("fail-error", "Fail with errors (500)", "ErrorCircle", new(FailureKind.Error, StatusCode: 500), Highlighted: true),
        // A brownout: late, but within every attempt timeout; the slow-call rule is what trips on it.
        new("fail-slow-down", "Slow down (1.5 s)", "TopSpeed", new(FailureKind.Slow, DelayMs: 1500)),
        new("fail-slow", "Go slow (3 s)", "Timer", new(FailureKind.Slow, DelayMs: 3000)),
        // The tail every instance has a little of: the choice cannot avoid it, a hedged read can.
        new("fail-tail", "Tail (3 % of calls 1 s late)", "ChartMultiple", new(FailureKind.Slow, DelayMs: 1000, Rate: 0.03)),
        // Full, not broken: two requests at a time, 50 ms each (40 a second), the rest queued up to a second; the traffic
        // resource exceeds it at a rate over 40 a second (Parameters:traffic-rate).
        new("fail-capacity", "Capacity (40 calls/s)", "Gauge", new(
            FailureKind.Capacity, Concurrency: 2, ServiceTimeMs: 50, QueueTimeoutMs: 1000)),
        new("fail-hang", "Hang", "PauseCircle", new(FailureKind.Hang), Confirm: true),
        new("fail-flaky", "Flaky (50%)", "ArrowShuffle", new(FailureKind.Flaky, FailureRate: 0.5)),
        new("fail-down", "Go down (abort connections)", "PlugDisconnected", new(FailureKind.Down), Confirm: true),
        new("fail-stall", "Stall mid-body", "TextWrap", new(FailureKind.Stall), Confirm: true),
        new("fail-trickle", "Trickle the body (20 s)", "DropletHalfFilled", new(FailureKind.Trickle, DurationMs: 20_000)),
        new("fail-cut", "Cut connections mid-body", "Cut", new(FailureKind.Cut)),
        new("fail-garbage", "Answer garbage (200)", "DocumentError", new(FailureKind.Garbage)),
        new("fail-busy", "Busy (503, Retry-After 120 s)", "HourglassHalf", new(FailureKind.Busy, StatusCode: 503, RetryAfterSeconds: 120)),
        new("fail-huge", "Huge body (300 MB)", "DocumentArrowDown", new(FailureKind.Huge, SizeBytes: 300_000_000)),
        new("recover", "Recover", "CheckmarkCircle", null, Highlighted: true),
    ];

    /// <summary>One button per failure mode, each a PUT (or, to recover, a DELETE) of <c>/failure-mode</c> with the admin key.</summary>
    public static IResourceBuilder<ProjectResource> WithFailureModeCommands(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> adminKey)
    {
        foreach (var button in FailureButtons)
        {
            service.WithHttpCommand(
                Paths.FailureMode,
                button.DisplayName,
                commandName: button.Name,
                commandOptions: new HttpCommandOptions
                {
                    Method = button.Mode is null ? HttpMethod.Delete : HttpMethod.Put,
                    IconName = button.Icon,
                    IsHighlighted = button.Highlighted,
                    // The dashboard shows the description as the button's tooltip: it starts with the button's name.
                    Description = button.Mode is null
                        ? $"{button.DisplayName}: back to normal (failure mode none)"
                        : $"{button.DisplayName}: failure mode {JsonSerializer.Serialize(button.Mode, JsonSerializerOptions.Web)}",
                    ConfirmationMessage = button.Confirm ? $"{button.DisplayName}: {service.Resource.Name} will stop answering properly until you "
                        + $"press Recover. Go ahead?" : null,
                    PrepareRequest = async context =>
                    {
                        await context.Request.AddAdminKeyAsync(adminKey, context.CancellationToken);
                        if (button.Mode is not null)
                        {
                            context.Request.Content = JsonContent.Create(button.Mode);
                        }
                    },
                });
        }

        return service;
    }

    private sealed record FailureButton(
        string Name, string DisplayName, string Icon, FailureMode? Mode, bool Highlighted = false, bool Confirm = false);
}
