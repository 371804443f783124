namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// A control-plane command sent to every running gateway replica at once: one replica failing never keeps the others
/// from getting it, and the result says which ones did not.
/// </summary>
internal static class EveryReplica
{
    public static async Task<ExecuteCommandResult> SendAsync(
        IReadOnlyList<Uri> replicas, Func<Uri, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        if (replicas.Count == 0)
        {
            return CommandResults.Failure("The gateway is not running.");
        }

        var errors = await Task.WhenAll(replicas.Select(async replica =>
        {
            try
            {
                using var response = await send(replica, cancellationToken);
                return response.IsSuccessStatusCode
                    ? null
                    : $"{replica} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception exception) when (
                exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return $"{replica} could not be reached: {exception.Message}";
            }
        }));

        var failed = errors.OfType<string>().ToList();
        return failed.Count == 0
            ? CommandResults.Success()
            : CommandResults.Failure($"{replicas.Count - failed.Count} of {replicas.Count} gateway replicas did it. {string.Join(" ", failed)}");
    }
}
