using CircuitDemo.AppHost.Ledger;

namespace CircuitDemo.IntegrationTests.AppHostParts;

/// <summary>
/// Where the AppHost puts the SQLite ledger: the configured path, or a file beside the AppHost kept from run to run,
/// which a second AppHost running at the same time does not share.
/// </summary>
public sealed class LedgerFileTests : IDisposable
{
    private readonly string _appHost = Path.Combine(Path.GetTempPath(), $"circuitdemo-apphost-{Guid.NewGuid():N}");

    [Fact]
    public void Configured_IsThatFile_RelativeToTheAppHost()
    {
        Assert.Equal(Path.Combine(_appHost, "mine", "l.db"), LedgerFile.Choose("mine/l.db", _appHost));
    }

    [Fact]
    public void NotConfigured_TheFirstAppHostGetsTheDefaultFile_ASecondAtTheSameTimeAFileOfItsOwn()
    {
        // In one test process: the claim is the process's, so this is the first claim only if no other test made one.
        var first = LedgerFile.Choose(null, _appHost);
        var second = LedgerFile.Choose(null, _appHost);

        Assert.Equal(Path.Combine(_appHost, ".data"), Path.GetDirectoryName(first));
        Assert.NotEqual(first, second);
        Assert.Equal(Path.Combine(_appHost, ".data"), Path.GetDirectoryName(second));
    }

    public void Dispose()
    {
        if (Directory.Exists(_appHost))
        {
            Directory.Delete(_appHost, recursive: true);
        }
    }
}
