using CircuitDemo.Traffic;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddTrafficGenerator();

builder.Build().Run();
