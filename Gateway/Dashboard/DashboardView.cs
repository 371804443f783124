using System.Text.Json.Serialization;
using CircuitDemo.Contracts;

namespace CircuitDemo.Gateway.Dashboard;

/// <summary>The answer of <c>GET /user-dashboard/{userId}</c>.</summary>
public sealed record DashboardView(UserView User, OrdersView Orders, PaymentsView Payments, DashboardSources Sources, DateTimeOffset Timestamp);

/// <summary>The user section; <c>fromCache</c> marks the fallback.</summary>
public sealed record UserView(
    string Id,
    string Name,
    string Email,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FromCache = null);

/// <summary>The orders section; the fallback has no user id and <c>fromCache</c>.</summary>
public sealed record OrdersView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    IReadOnlyList<Order> Orders,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FromCache = null);

/// <summary>The payments section; the fallback has no user id and a <c>message</c>.</summary>
public sealed record PaymentsView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    IReadOnlyList<Payment> Payments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>One section of the dashboard and where it came from.</summary>
public readonly record struct Section<T>(T Data, string Source);
