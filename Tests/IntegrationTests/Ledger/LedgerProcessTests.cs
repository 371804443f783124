using Microsoft.Data.Sqlite;

namespace CircuitDemo.IntegrationTests.Ledger;

/// <summary>
/// PaymentService processes on one SQLite ledger file: the same key sent to two processes at once pays once; the file
/// locked under load answers 503 with Retry-After and writes nothing, then takes payments again; locked at start, it stops
/// nothing; a ledger setting that cannot work stops the process at start with a message that names it.
/// </summary>
[Collection(PlainProcesses.Name)]
public sealed class LedgerProcessTests : IDisposable
{
    private readonly string _path = TestLedgers.NewSqlitePath();

    [Fact]
    public async Task TwoProcessesOnOneFile_TheSameKeyAtOnce_MakeOnePayment()
    {
        var processes = await LedgerProcesses.StartAsync(2, LedgerProcesses.Sqlite(_path));
        try
        {
            var answers = await LedgerProcesses.SameKeyAtOnceAsync(processes, "raced", "one-key");

            Assert.Single(answers, a => a == HttpStatusCode.Created);
            Assert.All(answers, a => Assert.True(a is HttpStatusCode.Created or HttpStatusCode.OK, $"{a}"));
        }
        finally
        {
            await DisposeAllAsync(processes);
        }
    }

    [Fact]
    public async Task FileLockedUnderLoad_Answers503WithRetryAfter_WritesNothing_ThenTakesPaymentsAgain()
    {
        var processes = await LedgerProcesses.StartAsync(1, LedgerProcesses.Sqlite(_path));
        try
        {
            var answers = await LedgerProcesses.PayWhileAsync(processes[0], "locked", async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // payments before the lock
                await using var holder = new SqliteConnection($"Data Source={_path};Pooling=False");
                await holder.OpenAsync();
                await using var begin = holder.CreateCommand();
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
                await Task.Delay(TimeSpan.FromSeconds(2.5)); // longer than the busy timeout (1 s)
            });

            Assert.Contains(HttpStatusCode.ServiceUnavailable, answers.Values);
            Assert.Contains(HttpStatusCode.Created, answers.Values);
            await LedgerProcesses.AssertOnePaymentPerKeyAsync(processes[0], "locked", answers);
        }
        finally
        {
            await DisposeAllAsync(processes);
        }
    }

    [Fact]
    public async Task AFileLockedAtStart_DoesNotStopTheProcess_ItAnswers503UntilTheLockGoes_ThenTakesPayments()
    {
        // Another process holds the file while this one starts (as an instance starting beside it, creating the schema).
        await using var holder = new SqliteConnection($"Data Source={_path};Pooling=False");
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();

        await using var process = await ServiceProcess.StartAliveAsync(new Projects.PaymentService(), LedgerProcesses.Sqlite(_path));
        using var client = process.Client();
        using (var locked = await LedgerProcesses.PayAsync(client, "locked-at-start", "while-locked"))
        {
            await ProblemAssert.IsAsync(locked, 503);
        }

        await using var commit = holder.CreateCommand();
        commit.CommandText = "COMMIT";
        await commit.ExecuteNonQueryAsync();

        using var taken = await LedgerProcesses.PayAsync(client, "locked-at-start", "after-the-lock");
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
    }

    [Fact]
    public async Task AFileThatIsNotADatabase_StopsTheProcessAtStart_NamingTheSettingAndTheFile()
    {
        await File.WriteAllTextAsync(_path, new string('x', 4096));
        await using var process = ServiceProcess.Start(new Projects.PaymentService(), LedgerProcesses.Sqlite(_path));

        await process.WaitForExitAsync(TestTimeouts.Startup);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"{Settings.LedgerPath}: {_path} cannot be used as the ledger", process.Output);
    }

    [Fact]
    public async Task AMalformedConnectionString_StopsTheProcessAtStart_NamingTheSetting_NotItsValue()
    {
        await using var process = ServiceProcess.Start(new Projects.PaymentService(), LedgerProcesses.Postgres("Host=db;Password=secret-value;=oops"));

        await process.WaitForExitAsync(TestTimeouts.Startup);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"{Settings.LedgerConnectionString} is not a PostgreSQL connection string", process.Output);
        Assert.DoesNotContain("secret-value", process.Output);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestLedgers.Delete(_path);
    }

    private static async Task DisposeAllAsync(IEnumerable<ServiceProcess> processes)
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
    }
}
