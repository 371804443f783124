using CircuitDemo.Contracts;
using CircuitDemo.Gateway.CircuitBreakers;
using CircuitDemo.Gateway.Dashboard;
using CircuitDemo.Gateway.Diagnostics;
using CircuitDemo.Gateway.Downstream;
using CircuitDemo.Gateway.FailureSimulation;
using CircuitDemo.Gateway.Payments;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCircuitBreakers(BreakerNames.Gateway);
builder.Services.AddDownstreamClients();
builder.Services.AddTransitionFeed();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapDashboardApi();
app.MapPaymentsApi();
app.MapCircuitBreakersApi();
app.MapCircuitBreakerStreamApi();
app.MapFailureSimulationApi();
app.MapDiagnosticsApi();
app.Run();
