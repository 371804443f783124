using System.Text.Json.Serialization;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>The user section; <c>fromCache</c> marks the fallback.</summary>
public sealed record UserView(
    string Id,
    string Name,
    string Email,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FromCache = null);

/// <summary>One order.</summary>
public sealed record OrderView(string Id, string Item, int Quantity, decimal Total);

/// <summary>The orders section; the fallback has no user id and <c>fromCache</c>.</summary>
public sealed record OrdersView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    IReadOnlyList<OrderView> Orders,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FromCache = null);

/// <summary>One payment.</summary>
public sealed record PaymentView(string Id, decimal Amount, string Currency, string Status);

/// <summary>The payments section; the fallback has no user id and a <c>message</c>.</summary>
public sealed record PaymentsView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    IReadOnlyList<PaymentView> Payments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>Where each section came from: <c>live</c>, or <c>fallback:</c> and a reason.</summary>
public sealed record DashboardSources(string User, string Orders, string Payments);

/// <summary>The answer of <c>GET /user-dashboard/{userId}</c>.</summary>
public sealed record DashboardView(UserView User, OrdersView Orders, PaymentsView Payments, DashboardSources Sources, DateTimeOffset Timestamp);

/// <summary>One section of the dashboard and where it came from.</summary>
public readonly record struct Section<T>(T Data, string Source);
