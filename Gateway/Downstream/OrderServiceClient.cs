using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>order-service.</summary>
public sealed class OrderServiceClient(HttpClient http, ILogger<OrderServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user's orders, or the empty fallback.</summary>
    public Task<Section<OrdersView>> GetOrdersAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync<UserOrders, OrdersView>(
            Paths.ForUser(Paths.UserOrders, userId), orders => new(orders.UserId, orders.Orders), Fallbacks.Orders, cancellationToken);
}
