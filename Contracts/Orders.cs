namespace CircuitDemo.Contracts;

/// <summary>order-service's <c>GET /orders/user/{userId}</c>.</summary>
public sealed record UserOrders(string UserId, IReadOnlyList<Order> Orders);

/// <summary>One order line.</summary>
public sealed record Order(string Id, string Item, int Quantity, decimal Total);
