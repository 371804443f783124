using CircuitDemo.PaymentService;
using CircuitDemo.ServiceDefaults.FailureInjection;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddFailureInjection();
builder.Services.AddSingleton<PaymentLedger>();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapFailureModeEndpoints();
app.MapPaymentApi();
app.Run();
