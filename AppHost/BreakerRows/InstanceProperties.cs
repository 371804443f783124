namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>The properties a stub instance's row shows of the gateway's view of it.</summary>
internal static class InstanceProperties
{
    /// <summary>Which breakers have the instance out of rotation, until when and why; <c>no</c> when none has.</summary>
    public const string Ejected = "Ejected by the gateway";

    /// <summary>The gateway's latency estimate of the instance (what its choice of two weighs) and its calls in flight.</summary>
    public const string Estimate = "Gateway's estimate";
}
