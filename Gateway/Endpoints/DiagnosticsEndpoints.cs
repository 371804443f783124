using CircuitDemo.ServiceDefaults.Security;

namespace CircuitDemo.Gateway.Endpoints;

/// <summary>What a soak test reads to tell a leak from garbage: the managed heap right after a full collection.</summary>
public sealed record HeapView(long HeapBytesAfterFullGc, long TotalAllocatedBytes, int Gen2Collections);

/// <summary>
/// <c>POST /diagnostics/gc</c> (admin key): forces a full, compacting collection and reports the heap that survives it.
/// A POST with the key, because forcing collections is not something anyone on the network should be able to do.
/// </summary>
public static class DiagnosticsEndpoints
{
    /// <summary>Maps the diagnostics endpoint.</summary>
    public static IEndpointRouteBuilder MapDiagnosticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/diagnostics/gc", () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return TypedResults.Ok(new HeapView(GC.GetTotalMemory(forceFullCollection: false), GC.GetTotalAllocatedBytes(), GC.CollectionCount(2)));
        }).WithTags("Diagnostics").RequireAdminKey();
        return app;
    }
}
