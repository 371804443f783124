using System.Diagnostics;

namespace CircuitDemo.IntegrationTests;

/// <summary>Polls a condition until it holds or a deadline passes (on the monotonic clock); never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var waited = Stopwatch.StartNew();
        T last;
        do
        {
            last = await read();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (waited.Elapsed < (timeout ?? TestTimeouts.Step));

        throw new TimeoutException($"Timed out after {timeout ?? TestTimeouts.Step} waiting for {what}; last value: {last}");
    }
}
