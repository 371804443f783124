using CircuitDemo.OrderService;
using CircuitDemo.ServiceDefaults.FailureInjection;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddFailureInjection();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapFailureModeEndpoints();
app.MapOrderApi();
app.Run();
