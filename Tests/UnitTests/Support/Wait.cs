namespace CircuitDemo.UnitTests.Support;

/// <summary>A bounded poll for what another thread makes true (a request reaching the stub): never a fixed sleep.</summary>
internal static class Wait
{
    /// <summary>Completes once <paramref name="condition"/> holds; throws after ten seconds.</summary>
    public static async Task Until(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(1, deadline.Token);
        }
    }
}
