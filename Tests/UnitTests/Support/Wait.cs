namespace CircuitDemo.UnitTests.Support;

/// <summary>A bounded poll for what another thread makes true (a request reaching the stub): never a fixed sleep.</summary>
internal static class Wait
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Completes once <paramref name="condition"/> holds; throws after <paramref name="within"/> (ten seconds unless
    /// given) without it. A wake-up that comes late, on a busy machine, looks once more before it gives up.
    /// </summary>
    public static async Task Until(Func<bool> condition, TimeSpan? within = null)
    {
        var limit = within ?? DefaultWithin;
        using var deadline = new CancellationTokenSource(limit);
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The condition did not hold within {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(1, CancellationToken.None);
        }
    }
}
