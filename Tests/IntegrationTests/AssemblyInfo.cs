// Three running systems serve the tests that need the whole system: the shared one, the fault matrix's (with the soak)
// and the three-instance one. Their collections (the tests of each one at a time), and the few that start processes of their own, run side
// by side: the tests spend most of their time waiting on real open durations and timeouts, not on the processor. No
// thread limit: xunit's default of one collection per core would run them one after another on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = false, MaxParallelThreads = -1)]
[assembly: TestCollectionOrderer("CircuitDemo.IntegrationTests.SystemStartOrder", "CircuitDemo.IntegrationTests")]
