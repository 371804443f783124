namespace CircuitDemo.UnitTests.Support;

/// <summary>Instances of a service as service discovery resolves them, named as the AppHost names its resources.</summary>
internal static class TestInstances
{
    public static readonly ServiceInstance A = new("payment-service", new Uri("http://localhost:3003"));
    public static readonly ServiceInstance B = new("payment-service-2", new Uri("http://localhost:3013"));
    public static readonly ServiceInstance C = new("payment-service-3", new Uri("http://localhost:3023"));
    public static readonly ServiceInstance D = new("payment-service-4", new Uri("http://localhost:3033"));
    public static readonly ServiceInstance E = new("payment-service-5", new Uri("http://localhost:3043"));

    /// <summary>Three instances, in order; the same list object each time, as service discovery hands out an unchanged list.</summary>
    public static readonly IReadOnlyList<ServiceInstance> Three = [A, B, C];

    /// <summary>The first <paramref name="count"/> of five instances, as a new list.</summary>
    public static IReadOnlyList<ServiceInstance> First(int count) => [.. new[] { A, B, C, D, E }.Take(count)];
}
