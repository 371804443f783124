namespace CircuitDemo.Contracts;

/// <summary>user-service's <c>GET /users/{userId}</c>.</summary>
public sealed record User(string Id, string Name, string Email);
