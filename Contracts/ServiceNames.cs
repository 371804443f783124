namespace CircuitDemo.Contracts;

/// <summary>The Aspire resource names, which are also the service-discovery host names.</summary>
public static class ServiceNames
{
    public const string Gateway = "gateway";
    public const string User = "user-service";
    public const string Order = "order-service";
    public const string Payment = "payment-service";
    public const string Traffic = "traffic";

    /// <summary>The three stub services behind the gateway.</summary>
    public static readonly IReadOnlyList<string> Stubs = [User, Order, Payment];

    /// <summary>A stub's resource name from itself or its short form (<c>user</c>, <c>order</c>, <c>payment</c>); null when unknown.</summary>
    public static string? ResolveStub(string name) =>
        Stubs.FirstOrDefault(
            s => s.Equals(name, StringComparison.OrdinalIgnoreCase) || s.Equals(name + "-service", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The resource name of a stub's instance <paramref name="instance"/> (1-based): the first keeps the service's name,
    /// the others are <c>{service}-2</c>, <c>{service}-3</c>, ... (AppHost configuration <c>Stubs:Instances</c>).
    /// Instance i is the service's endpoint i - 1 in service discovery (<c>services__{service}__http__{i - 1}</c>).
    /// </summary>
    public static string Instance(string service, int instance) => instance == 1 ? service : $"{service}-{instance}";
}
