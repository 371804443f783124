namespace CircuitDemo.UnitTests.Support;

/// <summary>A bounded poll for what another thread makes true (a request reaching the stub): never a fixed sleep.</summary>
internal static class Wait
{
    /// <summary>
    /// Completes once <paramref name="condition"/> holds; throws after ten seconds without it (a wake-up that comes late,
    /// on a busy machine, looks once more before it gives up).
    /// </summary>
    public static async Task Until(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException("The condition did not hold within ten seconds.");
            }

            await Task.Delay(1, CancellationToken.None);
        }
    }
}
