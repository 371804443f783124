using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Pipeline;

/// <summary>
/// Service discovery's first answer, when it does not come at once (DNS asked for the first time, slow or silent), is
/// waited on no longer than the attempt timeout: the call ends as a timeout, its permit given back, and the lookup goes
/// on for the calls after it.
/// </summary>
public sealed class DiscoveryWaitTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AFirstAnswerAnHourLate_EndsTheCallAtTheAttemptTimeout_AsATimeout_ThePermitGivenBack()
    {
        var clock = new FakeTimeProvider(TestBreakers.Start);
        using var pipeline = new ClientPipeline(
            clock,
            new()
            {
                ["CircuitBreaker:Services:inventory:Enabled"] = "true",
                ["CircuitBreaker:Services:inventory:AttemptTimeout"] = AttemptTimeout.ToString(),
            },
            services: services => services.AddSingleton<IServiceEndpointProviderFactory>(new LateBy("inventory", clock)));

        try
        {
            var call = pipeline.Client.GetAsync("http://inventory/items/1");
            Assert.Equal(1, pipeline.Status("inventory").InFlightRequests); // admitted, and waiting on service discovery
            clock.Advance(AttemptTimeout - TimeSpan.FromMilliseconds(1));
            Assert.False(call.IsCompleted);
            clock.Advance(TimeSpan.FromMilliseconds(1));

            var failure = await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(CallFailure.TimedOut, CircuitBreakingExtensions.FailureOf(failure));
            Assert.Equal((0L, 1L), (pipeline.Status("inventory").InFlightRequests, pipeline.Status("inventory").FailedRequests));
        }
        finally
        {
            clock.Advance(LateBy.Delay); // the lookup ends, and the service provider can be disposed
        }
    }

    // A service discovery provider whose answer for one service comes an hour late, on the test's clock.
    private sealed class LateBy(string service, TimeProvider clock) : IServiceEndpointProviderFactory
    {
        public static readonly TimeSpan Delay = TimeSpan.FromHours(1);

        public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
        {
            provider = query.ServiceName == service ? new Late(clock) : null;
            return provider is not null;
        }

        private sealed class Late(TimeProvider clock) : IServiceEndpointProvider
        {
            public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken) =>
                await Task.Delay(Delay, clock, cancellationToken);

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
