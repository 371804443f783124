using CircuitDemo.Contracts;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Switches the failure mode of stub instances for <c>/simulate-failure</c>. A control-plane call: it carries the
/// gateway's admin key, bypasses the service's breaker (so recovery works while the circuit is open) and is pinned to its
/// instance (so it neither asks the endpoint records nor counts in them).
/// </summary>
public sealed class FailureModeClient(HttpClient http, ServiceInstances instances, IConfiguration configuration)
{
    /// <summary>
    /// The instances a name stands for: every instance of a service (its name, or its short form <c>payment</c>), or the
    /// one instance of that name, as service discovery names it (under the AppHost a resource such as
    /// <c>payment-service-2</c>, on a cluster a pod such as <c>payment-service-0</c>); none when there is no such thing.
    /// </summary>
    public async Task<IReadOnlyList<StubInstance>> InstancesNamedAsync(string name, CancellationToken cancellationToken)
    {
        if (ServiceNames.ResolveStub(name) is { } service)
        {
            return [.. (await instances.ResolveAsync(service, cancellationToken)).Select(instance => new StubInstance(service, instance))];
        }

        foreach (var stub in ServiceNames.Stubs)
        {
            var resolved = await instances.ResolveAsync(stub, cancellationToken);
            if (resolved.FirstOrDefault(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } instance)
            {
                return [new StubInstance(stub, instance)];
            }
        }

        return [];
    }

    /// <summary>PUTs the mode to one instance: its answer as it was given, or how the call failed.</summary>
    public async Task<InstanceAnswer> SetAsync(StubInstance target, FailureMode mode, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Put, new Uri(DownstreamClientsExtensions.BaseAddress(target.Service), Paths.FailureMode))
        {
            Content = JsonContent.Create(mode),
        };
        request.Headers.Add(HeaderNames.AdminKey, configuration[Settings.AdminKey]);
        CircuitBreakerRoute.Bypass(request);
        ServiceInstances.Pin(request, target.Instance.Address);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return new InstanceAnswer(target.Instance.Name, await ServiceAnswer.ReadAsync(response, cancellationToken), null, null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested
            && CircuitBreakingExtensions.FailureOf(exception) is not CallFailure.Unexpected and var failure)
        {
            return new InstanceAnswer(target.Instance.Name, null, failure, exception.Message);
        }
    }
}

/// <summary>One instance of a stub service.</summary>
public sealed record StubInstance(string Service, ServiceInstance Instance);

/// <summary>What one instance answered to a failure mode, or how the call to it failed (and why).</summary>
public sealed record InstanceAnswer(string Instance, ServiceAnswer? Answer, CallFailure? Failure, string? Error)
{
    /// <summary>True when the instance took the mode.</summary>
    public bool Changed => Answer is { StatusCode: >= 200 and <= 299 };

    /// <summary>Why the instance did not take the mode, in a few words.</summary>
    public string Why => Answer is { } answer
        ? $"it answered {answer.StatusCode}"
        : Failure is CallFailure.TimedOut ? "it did not answer in time" : $"it could not be reached or gave an unusable answer ({Error})";
}
