using CircuitDemo.Contracts;
using CircuitDemo.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.Diagnostics;

/// <summary>What a soak or memory test reads to tell a leak from garbage: the heap after a full collection, and the process's working set.</summary>
public sealed record HeapView(long HeapBytesAfterFullGc, long TotalAllocatedBytes, int Gen2Collections, long WorkingSetBytes);

/// <summary>
/// <c>POST /diagnostics/gc</c> (admin key): forces a full, compacting collection and reports the heap that survives it.
/// A POST with the key, because forcing collections is not something anyone on the network should be able to do.
/// </summary>
public static class DiagnosticsApi
{
    /// <summary>Maps the diagnostics endpoint.</summary>
    public static IEndpointRouteBuilder MapDiagnosticsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Paths.DiagnosticsGc, CollectGarbage).WithTags("Diagnostics").RequireAdminKey();
        return app;
    }

    private static Ok<HeapView> CollectGarbage()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return TypedResults.Ok(
            new HeapView(GC.GetTotalMemory(forceFullCollection: false), GC.GetTotalAllocatedBytes(), GC.CollectionCount(2), process.WorkingSet64));
    }
}
