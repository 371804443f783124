namespace CircuitDemo.UnitTests.Support;

/// <summary>
/// Real parallelism for race tests: dedicated threads (more than the machine has cores), released together by a
/// barrier for every round, so each round is a fresh pile-up rather than a queue of work items on the thread pool.
/// </summary>
internal static class Race
{
    /// <summary>More threads than cores, so that some are always preempted in the middle of an operation.</summary>
    public static int Threads => Math.Max(8, Environment.ProcessorCount * 4);

    /// <summary>
    /// Runs <paramref name="body"/> (thread, round) on <paramref name="threads"/> dedicated threads, <paramref name="rounds"/>
    /// times. <paramref name="beforeRound"/> runs alone before each round, while the threads wait at the barrier.
    /// </summary>
    public static void Run(int threads, int rounds, Action<int> beforeRound, Action<int, int> body)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(threads + 1);
        using var done = new Barrier(threads + 1);

        void Work(int thread)
        {
            for (var round = 0; round < rounds; round++)
            {
                start.SignalAndWait();
                try
                {
                    body(thread, round);
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception);
                }

                done.SignalAndWait();
            }
        }

        var workers = Enumerable.Range(0, threads)
            .Select(thread => new Thread(() => Work(thread)) { IsBackground = true, Name = $"race-{thread}" })
            .ToList();
        workers.ForEach(w => w.Start());
        for (var round = 0; round < rounds; round++)
        {
            beforeRound(round);
            start.SignalAndWait();
            done.SignalAndWait();
        }

        workers.ForEach(w => w.Join());
        if (!failures.IsEmpty)
        {
            throw new AggregateException($"{failures.Count} race failure(s)", failures);
        }
    }
}
