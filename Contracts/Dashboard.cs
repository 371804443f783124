namespace CircuitDemo.Contracts;

/// <summary>The <c>sources</c> of the gateway's <c>/user-dashboard</c> answer: <c>live</c>, or <c>fallback:</c> and a reason, per section.</summary>
public sealed record DashboardSources(string User, string Orders, string Payments);
