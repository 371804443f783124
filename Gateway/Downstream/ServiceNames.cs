namespace CircuitDemo.Gateway.Downstream;

/// <summary>The downstream services by their Aspire resource names, which are also their service-discovery host names.</summary>
public static class ServiceNames
{
    /// <summary>user-service</summary>
    public const string User = "user-service";

    /// <summary>order-service</summary>
    public const string Order = "order-service";

    /// <summary>payment-service</summary>
    public const string Payment = "payment-service";

    /// <summary>Every stub service.</summary>
    public static readonly IReadOnlyList<string> All = [User, Order, Payment];

    /// <summary>Accepts a resource name or its short form (<c>user</c>, <c>order</c>, <c>payment</c>).</summary>
    public static string? Resolve(string name) =>
        All.FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase) || s.Equals(name + "-service", StringComparison.OrdinalIgnoreCase));

    /// <summary>The base address through service discovery.</summary>
    public static Uri BaseAddress(string service) => new($"http://{service}");
}
