using CircuitDemo.AppHost;
using CircuitDemo.AppHost.CircuitBreakers;
using CircuitDemo.AppHost.Gateway;
using CircuitDemo.AppHost.Stubs;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args).WithShortTelemetryExportTimeout();

// Generated on each run unless configured (Parameters__admin-key); the dashboard shows it under Parameters.
var adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);

// Stubs__Instances=3 runs three of each stub service, each its own row; the gateway gets them all as the service's endpoints.
var instances = builder.StubInstanceCount();
var userService = builder.AddStubInstances<Projects.UserService>(ServiceNames.User, instances, adminKey);
var orderService = builder.AddStubInstances<Projects.OrderService>(ServiceNames.Order, instances, adminKey);
var paymentService = builder.AddStubInstances<Projects.PaymentService>(ServiceNames.Payment, instances, adminKey);

var gateway = builder.AddProject<Projects.Gateway>(ServiceNames.Gateway)
    .WithStubInstances(userService)
    .WithStubInstances(orderService)
    .WithStubInstances(paymentService)
    .WithAdminKey(adminKey)
    .WithHttpHealthCheck(Paths.Health)
    .WithBreakerHealthCheck()
    .WithCircuitBreakerConfiguration(builder.Configuration)
    .WithCircuitBreakerLinks(builder.Configuration)
    .WithCircuitBreakerRows(adminKey, BreakerNames.Gateway)
    .WithReplicas(builder.Configuration.GetValue("Gateway:Replicas", 1));

// Steady requests to the gateway, once someone presses Start on its row; the rate is a parameter (0.1 to 100 a second).
// It waits for the gateway to run, not to be healthy: the gateway is Degraded while a breaker is not Closed, which is
// exactly when traffic is wanted (a HalfOpen breaker closes only on the probes the traffic sends).
builder.AddProject<Projects.Traffic>(ServiceNames.Traffic)
    .WithReference(gateway).WaitForStart(gateway)
    .WithEnvironment(Settings.EnvironmentVariable(Settings.TrafficRatePerSecond), builder.AddParameter("traffic-rate", "5"))
    .WithExplicitStart();

builder.Build().Run();
