using CircuitDemo.Gateway.Downstream;
using CircuitDemo.Gateway.Endpoints;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDownstreamClients();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapDashboardEndpoints();
app.MapPaymentEndpoints();
app.MapCircuitBreakerEndpoints();
app.MapSimulateFailureEndpoints();
app.MapDiagnosticsEndpoints();
app.Run();
