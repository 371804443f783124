using System.Text.Json.Serialization;

namespace CircuitDemo.Contracts;

/// <summary>The <c>sources</c> of the gateway's <c>/user-dashboard</c> answer: <c>live</c>, or <c>fallback:</c> and a reason, per section.</summary>
public sealed record DashboardSources(string User, string Orders, string Payments)
{
    /// <summary>The source of the section that <paramref name="service"/> (one of <see cref="ServiceNames.Stubs"/>) serves.</summary>
    public string Of(string service) => service switch
    {
        ServiceNames.User => User,
        ServiceNames.Order => Orders,
        ServiceNames.Payment => Payments,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Not a service of the dashboard."),
    };
}

/// <summary>The gateway's answer to <c>GET /user-dashboard/{userId}</c>: one shape for the gateway, Traffic and the tests.</summary>
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
