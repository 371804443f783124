using CircuitDemo.AppHost;
using CircuitDemo.AppHost.BreakerRows;
using CircuitDemo.AppHost.Gateway;
using CircuitDemo.AppHost.Ledger;
using CircuitDemo.AppHost.Stubs;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args).WithShortTelemetryExportTimeout();

// Generated on each run unless configured (Parameters__admin-key); the dashboard shows it under Parameters.
var adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);

// Stubs__Instances=3 runs three of each stub service (Stubs__payment-service__Instances=3, of one), each its own row;
// the gateway gets them all as the service's endpoints.
var userService = builder.AddStubInstances<Projects.UserService>(ServiceNames.User, adminKey);
var orderService = builder.AddStubInstances<Projects.OrderService>(ServiceNames.Order, adminKey);
var paymentService = builder.AddStubInstances<Projects.PaymentService>(ServiceNames.Payment, adminKey);

// One ledger for every payment-service instance: a SQLite file under AppHost/.data by default (Ledger__Path names
// another), or PostgreSQL with ConnectionStrings__ledger; a row of its own on the dashboard shows it.
var ledger = builder.AddLedger();
foreach (var instance in paymentService.Instances)
{
    instance.WithLedger(ledger);
}

var gateway = builder.AddProject<Projects.Gateway>(ServiceNames.Gateway)
    .WithStubInstances(userService).WithStubInstances(orderService).WithStubInstances(paymentService)
    .WithAdminKey(adminKey)
    .WithHttpHealthCheck(Paths.Health)
    .WithCircuitBreakerConfiguration(builder.Configuration)
    .WithBreakerRows(adminKey) // the dashboard's view of the breakers: a row each, Explain, the instances' rows
    .WithReplicas(builder.Configuration.GetValue("Gateway:Replicas", 1));

// Steady requests to the gateway once someone presses Start; it waits for the gateway to run, not to be healthy: a
// gateway with a breaker open is Degraded, which is exactly when traffic is wanted (a HalfOpen breaker needs probes).
builder.AddProject<Projects.Traffic>(ServiceNames.Traffic)
    .WithReference(gateway).WaitForStart(gateway)
    .WithEnvironment(Settings.EnvironmentVariable(Settings.TrafficRatePerSecond), builder.AddParameter("traffic-rate", "5"))
    .WithExplicitStart();

builder.Build().Run();
