using System.Net.Http.Json;

namespace CircuitDemo.AppHost;

/// <summary>The buttons on the dashboard: failure modes on each stub service, isolate and reset on the gateway.</summary>
internal static class DashboardCommands
{
    private const string AdminKeyHeader = "X-Admin-Key";

    private static readonly (string Command, string DisplayName, string Icon, object? Body)[] FailureModes =
    [
        ("fail-error", "Fail with errors (500)", "ErrorCircle", new { mode = "error", statusCode = 500 }),
        ("fail-slow", "Go slow (3 s)", "Timer", new { mode = "slow", delayMs = 3000 }),
        ("fail-hang", "Hang", "PauseCircle", new { mode = "hang" }),
        ("fail-flaky", "Flaky (50%)", "ArrowShuffle", new { mode = "flaky", failureRate = 0.5 }),
        ("fail-down", "Go down (abort connections)", "PlugDisconnected", new { mode = "down" }),
        ("recover", "Recover", "CheckmarkCircle", null),
    ];

    /// <summary>One button per failure mode, each a PUT (or, to recover, a DELETE) of <c>/failure-mode</c> with the admin key.</summary>
    public static IResourceBuilder<ProjectResource> WithFailureModeCommands(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> adminKey)
    {
        foreach (var (command, displayName, icon, body) in FailureModes)
        {
            service.WithHttpCommand(
                "/failure-mode",
                displayName,
                commandName: command,
                commandOptions: new HttpCommandOptions
                {
                    Method = body is null ? HttpMethod.Delete : HttpMethod.Put,
                    IconName = icon,
                    Description = body is null ? "Reset the failure mode to none." : $"Set the failure mode: {System.Text.Json.JsonSerializer.Serialize(body)}",
                    PrepareRequest = async context =>
                    {
                        await AddAdminKeyAsync(context, adminKey);
                        if (body is not null)
                        {
                            context.Request.Content = JsonContent.Create(body);
                        }
                    },
                });
        }

        return service;
    }

    /// <summary>Isolate and reset buttons for each named breaker of the gateway.</summary>
    public static IResourceBuilder<ProjectResource> WithCircuitBreakerCommands(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> adminKey, IEnumerable<string> breakers)
    {
        foreach (var breaker in breakers)
        {
            foreach (var (action, icon) in new[] { ("isolate", "LockClosed"), ("reset", "ArrowReset") })
            {
                gateway.WithHttpCommand(
                    $"/circuit-breakers/{breaker}/{action}",
                    $"{char.ToUpperInvariant(action[0])}{action[1..]} {breaker}",
                    commandName: $"{action}-{breaker.Replace(':', '-')}",
                    commandOptions: new HttpCommandOptions
                    {
                        Method = HttpMethod.Post,
                        IconName = icon,
                        Description = $"{action} the circuit breaker {breaker}",
                        PrepareRequest = context => AddAdminKeyAsync(context, adminKey),
                    });
            }
        }

        return gateway;
    }

    private static async Task AddAdminKeyAsync(HttpCommandRequestContext context, IResourceBuilder<ParameterResource> adminKey) =>
        context.Request.Headers.Add(AdminKeyHeader, await adminKey.Resource.GetValueAsync(context.CancellationToken));
}
