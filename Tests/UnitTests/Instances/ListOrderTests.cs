using static CircuitDemo.UnitTests.Support.TestInstances;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>
/// The records follow service discovery's newest list: an attempt that resolved a list, then leased after another attempt
/// brought a newer one, does not take the records back to the old list.
/// </summary>
public sealed class ListOrderTests
{
    [Fact]
    public void ALeaseWithAnOlderList_AfterANewerOne_LeavesTheNewerListInTheRecords()
    {
        var (guard, _) = GuardCalls.Create(TestBreakers.Options);
        var older = new InstanceList(1, [A, B]);
        var newer = new InstanceList(2, [A, B, C]);

        guard.Instances.Lease(newer).Settle(CallOutcome.Success, TimeSpan.FromMilliseconds(5), slow: false);
        var late = guard.Instances.Lease(older);
        late.Settle(CallOutcome.Success, TimeSpan.FromMilliseconds(5), slow: false);

        Assert.Equal([A.Name, B.Name, C.Name], guard.Instances.Snapshot().Select(e => e.Name));
    }

    [Fact]
    public void ANewerList_ReplacesTheOlderOne()
    {
        var (guard, _) = GuardCalls.Create(TestBreakers.Options);

        guard.Instances.Lease(new InstanceList(1, [A, B, C])).Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);
        guard.Instances.Lease(new InstanceList(2, [A, C])).Settle(CallOutcome.Success, TimeSpan.Zero, slow: false);

        Assert.Equal([A.Name, C.Name], guard.Instances.Snapshot().Select(e => e.Name));
    }
}
