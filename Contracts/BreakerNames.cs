namespace CircuitDemo.Contracts;

/// <summary>How the gateway's circuit breakers are named: one per downstream service and operation kind.</summary>
public static class BreakerNames
{
    /// <summary>The suffix of a write breaker's name, as in <c>payment-service:write</c>.</summary>
    public const string WriteSuffix = ":write";

    /// <summary>The breaker for <paramref name="service"/>: its read breaker, or its write breaker.</summary>
    public static string For(string service, bool isWrite) => isWrite ? service + WriteSuffix : service;

    /// <summary>Splits a breaker's name into its service and whether it is the write side.</summary>
    public static (string Service, bool IsWrite) Parse(string name) =>
        name.EndsWith(WriteSuffix, StringComparison.OrdinalIgnoreCase) ? (name[..^WriteSuffix.Length], true) : (name, false);

    /// <summary>The name of a breaker's row on the dashboard (a resource name has no colon): <c>payment-service-write-breaker</c>.</summary>
    public static string RowName(string breakerName) => breakerName.Replace(':', '-') + "-breaker";

    /// <summary>Every breaker of the gateway: a read breaker per service, and the payment writes'.</summary>
    public static readonly IReadOnlyList<string> Gateway =
        [.. ServiceNames.Stubs, For(ServiceNames.Payment, isWrite: true)];
}
