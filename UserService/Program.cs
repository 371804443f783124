using CircuitDemo.FailureModes;
using CircuitDemo.UserService;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddFailureInjection();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapFailureModeEndpoints();
app.MapUserApi();
app.Run();
