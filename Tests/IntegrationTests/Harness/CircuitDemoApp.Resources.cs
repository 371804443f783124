using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CircuitDemo.IntegrationTests;

/// <summary>The resources driver: clients of a resource, its commands, its state and its row on the Resources page.</summary>
public partial class CircuitDemoApp
{
    /// <summary>An HttpClient to a resource, with a bounded timeout: a wait on a dead endpoint fails in seconds.</summary>
    public HttpClient CreateClient(string resource)
    {
        var client = App.CreateHttpClient(resource);
        client.Timeout = TestTimeouts.Step;
        return client;
    }

    /// <summary>
    /// Puts the system back as it started: every stub running and in mode none, the traffic stopped, every breaker
    /// Closed with its streak cleared.
    /// </summary>
    public async Task ResetAsync()
    {
        foreach (var service in StubResources)
        {
            await EnsureRunningAsync(service);
            using var client = CreateClient(service);
            using var request = Admin(HttpMethod.Delete, Paths.FailureMode);
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        if (StateOf(ServiceNames.Traffic) == KnownResourceStates.Running)
        {
            await ExecuteAsync(ServiceNames.Traffic, KnownResourceCommands.StopCommand);
        }

        foreach (var breaker in BreakerNames.Gateway)
        {
            using var request = Admin(HttpMethod.Post, Paths.BreakerCommand(breaker, "reset"));
            (await Gateway.SendAsync(request)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Starts a stopped resource and waits until it is healthy.</summary>
    public async Task EnsureRunningAsync(string resource)
    {
        if (StateOf(resource) == KnownResourceStates.Running)
        {
            return;
        }

        // Tests beside this system start processes and listeners on ports the OS picks, and one may be given the port a
        // stopped resource keeps for its restart: its start then fails at once (address in use). Started once more in
        // that case, and what the first start wrote is in the message if the second fails too.
        for (var attempt = 1; ; attempt++)
        {
            await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
            var settled = await StartedAsync(resource);
            if (!KnownResourceStates.TerminalStates.Contains(settled.State?.Text))
            {
                return;
            }

            if (attempt == 2)
            {
                var output = Logs.Where(r => r.Category?.StartsWith($"AppHost.Resources.{resource}", StringComparison.Ordinal) == true)
                    .TakeLast(20).Select(r => r.Message);
                throw new InvalidOperationException(
                    $"{resource} failed to start twice ({settled.State?.Text}). Its last output: {string.Join(" | ", output)}");
            }
        }
    }

    // How a start just asked for ended: healthy, or stopped again (a terminal state). The start command can return while
    // the resource still shows the state it was stopped in (seen in CI: a wait that judged at once took it for a failed
    // start, and then waited for a stop while the resource came up), so only a stop after a state that is not one counts.
    private async Task<CustomResourceSnapshot> StartedAsync(string resource)
    {
        var begun = false;
        var settled = await App.ResourceNotifications.WaitForResourceAsync(resource, e =>
        {
            var state = e.Snapshot.State?.Text;
            var stopped = KnownResourceStates.TerminalStates.Contains(state);
            begun |= !stopped;
            return begun && (stopped || (state == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy));
        }).WaitAsync(TestTimeouts.Startup);
        return settled.Snapshot;
    }

    /// <summary>Runs a resource command (Start, Stop, a button) as the dashboard would, and checks that it succeeded.</summary>
    public async Task ExecuteAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command).WaitAsync(TestTimeouts.Step);
        Assert.True(result.Success, $"{command} on {resource}: {result.Message}");
    }

    /// <summary>The text of a resource's state on the dashboard, such as Running or, for a breaker's row, Open.</summary>
    public string? StateOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    /// <summary>A property of a resource's row as the dashboard shows it (by its display name), or null.</summary>
    public string? PropertyOf(string resource, string displayName) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current)
            ? current.Snapshot.Properties.FirstOrDefault(p => p.DisplayName == displayName)?.Value?.ToString()
            : null;

    /// <summary>Waits until a breaker's row on the dashboard reads <paramref name="state"/>; returns when it did.</summary>
    public async Task<DateTimeOffset> WaitForBreakerRowAsync(string breaker, string state, TimeSpan timeout)
    {
        await App.ResourceNotifications
            .WaitForResourceAsync(BreakerNames.RowName(breaker), e => e.Snapshot.State?.Text == state)
            .WaitAsync(timeout);
        return DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// Runs <paramref name="act"/> while <paramref name="breaker"/> is Open and returns what it returned, with the
    /// breaker as it was just before, but only if it finished before the breaker's next attempt time: after that, a
    /// call could already be a probe. With a one-second open duration a busy machine can miss that time; then the next
    /// dashboard call is the probe that fails and reopens the circuit (the fault is still on), and it tries again.
    /// Judged on the monotonic clock, from the breaker's <c>retryAfterMs</c>: the breaker answered after the watch
    /// started, so its next attempt is at least that long after it, whatever the wall clock does meanwhile.
    /// </summary>
    public async Task<(BreakerView Before, T Result)> WhileOpenAsync<T>(string breaker, Func<Task<T>> act)
    {
        for (var period = 1; period <= 10; period++)
        {
            var asked = Stopwatch.StartNew();
            var before = await BreakerAsync(breaker);
            if (before is not { State: CircuitState.Open, RetryAfterMs: { } retryAfterMs })
            {
                await DashboardAsync("reopen");
                continue;
            }

            var result = await act();
            // Less one millisecond: the breaker rounds the time left up to a whole millisecond.
            if (asked.Elapsed < TimeSpan.FromMilliseconds(retryAfterMs - 1))
            {
                return (before, result);
            }
        }

        throw new TimeoutException($"In ten open periods of {breaker}, nothing finished before the next attempt time.");
    }
}
