using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>user-service.</summary>
public sealed class UserServiceClient(HttpClient http, ILogger<UserServiceClient> logger) : DownstreamClient(http, logger)
{
    /// <summary>The user, or the fallback user.</summary>
    public Task<Section<UserView>> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        GetSectionAsync<User, UserView>(
            Paths.ForUser(Paths.Users, userId), user => new(user.Id, user.Name, user.Email), () => Fallbacks.User(userId), cancellationToken);
}
