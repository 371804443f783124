using System.Net.Http.Json;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Reads one dashboard section from a service through its HttpClient (and so through its breaker), and serves the
/// fallback when the call fails for any downstream reason. A cancellation by the gateway's own caller is not
/// a downstream failure and propagates.
/// </summary>
public abstract partial class DownstreamClient(HttpClient http, ILogger logger)
{
    /// <summary>GETs <paramref name="path"/> as <typeparamref name="T"/>, or the fallback with its reason.</summary>
    protected async Task<Section<T>> GetSectionAsync<T>(string path, Func<T> fallback, CancellationToken cancellationToken)
    {
        try
        {
            var data = await http.GetFromJsonAsync<T>(path, cancellationToken);
            return data is null ? new(fallback(), "fallback:error") : new(data, FallbackReason.Live);
        }
        catch (Exception exception) when (FallbackReason.For(exception) is { } reason && !cancellationToken.IsCancellationRequested)
        {
            LogFallback(logger, http.BaseAddress?.Host, reason, exception.Message);
            return new(fallback(), reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Serving the {Service} fallback ({Reason}): {Error}")]
    private static partial void LogFallback(ILogger logger, string? service, string reason, string error);
}

/// <summary>user-service.</summary>
public sealed class UserServiceClient(HttpClient http, ILogger<UserServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user, or the fallback user.</summary>
    public Task<Section<UserView>> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync($"/users/{userId}", () => Fallbacks.User(userId), cancellationToken);
}

/// <summary>order-service.</summary>
public sealed class OrderServiceClient(HttpClient http, ILogger<OrderServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user's orders, or the empty fallback.</summary>
    public Task<Section<OrdersView>> GetOrdersAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync($"/orders/user/{userId}", Fallbacks.Orders, cancellationToken);
}
