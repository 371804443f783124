using Microsoft.Extensions.Configuration;
using CircuitDemo.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Generated on each run unless configured (Parameters__admin-key); the dashboard shows it under Parameters.
var adminKey = builder.AddParameter("admin-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);

var userService = builder.AddStubService<Projects.UserService>("user-service", adminKey);
var orderService = builder.AddStubService<Projects.OrderService>("order-service", adminKey);
var paymentService = builder.AddStubService<Projects.PaymentService>("payment-service", adminKey);

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(userService).WaitFor(userService)
    .WithReference(orderService).WaitFor(orderService)
    .WithReference(paymentService).WaitFor(paymentService)
    .WithAdminKey(adminKey)
    .WithHttpHealthCheck("/health")
    .WithBreakerHealthCheck()
    .WithCircuitBreakerConfiguration(builder.Configuration)
    .WithCircuitBreakerCommands(adminKey, ["user-service", "order-service", "payment-service", "payment-service:write"])
    .WithReplicas(builder.Configuration.GetValue("Gateway:Replicas", 1));

builder.Build().Run();
