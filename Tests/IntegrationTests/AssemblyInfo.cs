// One AppHost serves every test that needs the whole system (the "Shared system" collection, whose tests run one at a
// time); the few collections that start processes of their own run beside it.
[assembly: CollectionBehavior(DisableTestParallelization = false)]
