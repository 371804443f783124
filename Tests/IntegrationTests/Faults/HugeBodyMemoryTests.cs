using Xunit.Abstractions;

namespace CircuitDemo.IntegrationTests.Faults;

/// <summary>A 300 MB answer leaves the gateway's memory where it was: the body is read only up to the size limit.</summary>
[Collection(SharedSystem.Name)]
public sealed class HugeBodyMemoryTests(CircuitDemoApp system, ITestOutputHelper output) : IAsyncLifetime
{
    private const long AllowedGrowth = 64L * 1024 * 1024;
    private const int Answers = 6;

    public Task InitializeAsync() => system.ResetAsync();

    public Task DisposeAsync() => system.ResetAsync();

    [Fact]
    public async Task HugeAnswers_300MB_GrowTheGatewaysWorkingSetByLessThan64MB()
    {
        await system.DashboardAsync("huge-warm-up");
        var before = await system.HeapAsync();
        await system.SetFailureModeAsync(ServiceNames.Payment, new FailureMode(FailureKind.Huge, SizeBytes: 300_000_000));

        for (var i = 0; i < Answers; i++)
        {
            var answer = await system.DashboardAsync("huge");
            Assert.Equal(FallbackReasons.Error, answer.Sources.Payments);
            using var reset = CircuitDemoApp.Admin(HttpMethod.Post, "/circuit-breakers/payment-service/reset");
            (await system.Gateway.SendAsync(reset)).EnsureSuccessStatusCode(); // every answer reads a huge body, none is rejected
        }

        var after = await system.HeapAsync();
        var growth = after.WorkingSetBytes - before.WorkingSetBytes;
        var figure = $"- Huge bodies: {Answers * 2} answers of 300 MB (each read retried once) moved the gateway's working set from {before.WorkingSetBytes / 1024 / 1024} MiB to {after.WorkingSetBytes / 1024 / 1024} MiB ({growth / 1024 / 1024:+0;-0} MiB; limit +64 MiB); managed heap after a full GC {before.HeapBytesAfterFullGc / 1024} → {after.HeapBytesAfterFullGc / 1024} KiB.\n";
        output.WriteLine(figure);
        TestReport.Text("huge-body-memory", figure);
        Assert.True(growth < AllowedGrowth, figure);
    }
}
