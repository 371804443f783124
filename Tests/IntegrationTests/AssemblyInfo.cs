// Each test class starts the whole system; on a 2-core machine two at once only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
