using CircuitDemo.FailureModes;
using CircuitDemo.PaymentService;
using CircuitDemo.PaymentService.Ledger;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddFailureInjection();
builder.Services.AddSingleton(_ => LedgerStores.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath));
builder.Services.AddSingleton<PaymentLedger>();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapFailureModeEndpoints();
app.MapPaymentApi();
await app.OpenLedgerAsync();
app.Run();
