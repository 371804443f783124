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
        Stubs.FirstOrDefault(s => s.Equals(name, StringComparison.OrdinalIgnoreCase) || s.Equals(name + "-service", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The resource name of a stub's instance <paramref name="instance"/> (1-based): the first keeps the service's name,
    /// the others are <c>{service}-2</c>, <c>{service}-3</c>, ... (AppHost configuration <c>Stubs:Instances</c>).
    /// Instance i is the service's endpoint i - 1 in service discovery (<c>services__{service}__http__{i - 1}</c>).
    /// </summary>
    public static string Instance(string service, int instance) => instance == 1 ? service : $"{service}-{instance}";

    /// <summary>
    /// What a name given to <c>/simulate-failure</c> stands for: a service (itself or its short form; every instance,
    /// <c>Instance</c> null) or one instance's resource name (<c>payment-service-2</c>: instance 2); null when unknown.
    /// </summary>
    public static (string Service, int? Instance)? ResolveStubOrInstance(string name)
    {
        if (ResolveStub(name) is { } service)
        {
            return (service, null);
        }

        var dash = name.LastIndexOf('-');
        return dash > 0
            && int.TryParse(name.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var instance)
            && instance >= 2
            && Stubs.FirstOrDefault(s => s.Equals(name[..dash], StringComparison.OrdinalIgnoreCase)) is { } instanceOf
            ? (instanceOf, instance)
            : null;
    }
}
