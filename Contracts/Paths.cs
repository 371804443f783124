namespace CircuitDemo.Contracts;

/// <summary>The paths one process calls on another (the AppHost, the traffic and the gateway on the stubs and the gateway).</summary>
public static class Paths
{
    /// <summary>Every service's readiness endpoint (JSON, one entry per check; the gateway's has one per breaker).</summary>
    public const string Health = "/health";

    /// <summary>Every service's liveness endpoint.</summary>
    public const string Alive = "/alive";

    /// <summary>A stub's failure mode: GET, PUT (admin key), DELETE (admin key).</summary>
    public const string FailureMode = "/failure-mode";

    /// <summary>A stub's count of business requests.</summary>
    public const string Stats = "/stats";

    /// <summary>payment-service's ledger at a glance: which store, where, how many payments (what the dashboard shows).</summary>
    public const string Ledger = "/ledger";

    /// <summary>The gateway's breakers: GET for their status; <c>/{name}/isolate</c> and <c>/{name}/reset</c> (admin key).</summary>
    public const string CircuitBreakers = "/circuit-breakers";

    /// <summary>The gateway's full garbage collection and heap figures (POST, admin key), for the memory tests.</summary>
    public const string DiagnosticsGc = "/diagnostics/gc";

    /// <summary>The gateway's dashboard endpoint, followed by <c>/{userId}</c>.</summary>
    public const string UserDashboard = "/user-dashboard";

    /// <summary>user-service's users, followed by <c>/{userId}</c>.</summary>
    public const string Users = "/users";

    /// <summary>order-service's orders of a user, followed by <c>/{userId}</c>.</summary>
    public const string UserOrders = "/orders/user";

    /// <summary>payment-service's payments of a user (GET, and the idempotent POST), followed by <c>/{userId}</c>.</summary>
    public const string UserPayments = "/payments/user";

    /// <summary>
    /// One user's path under <paramref name="prefix"/> (<see cref="Users"/>, <see cref="UserOrders"/>, <see
    /// cref="UserPayments"/>).
    /// </summary>
    public static string ForUser(string prefix, string userId) => $"{prefix}/{userId}";

    /// <summary>The manual control of one breaker: <c>isolate</c> or <c>reset</c>.</summary>
    public static string BreakerCommand(string breaker, string command) => $"{CircuitBreakers}/{breaker}/{command}";

    /// <summary>One breaker explained in Markdown, for a person (GET).</summary>
    public static string BreakerExplanation(string breaker) => $"{CircuitBreakers}/{breaker}/explain";
}
