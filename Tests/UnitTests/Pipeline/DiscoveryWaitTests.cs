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
        var late = new LateBy("inventory", clock);
        await using var pipeline = new ClientPipeline(
            clock,
            new()
            {
                ["CircuitBreaker:Services:inventory:Enabled"] = "true",
                ["CircuitBreaker:Services:inventory:AttemptTimeout"] = AttemptTimeout.ToString(),
            },
            services: services => services.AddSingleton<IServiceEndpointProviderFactory>(late));

        try
        {
            var call = pipeline.Client.GetAsync("http://inventory/items/1");
            Assert.Equal(1, pipeline.Status("inventory").InFlightRequests); // admitted, and waiting on service discovery

            // Service discovery asks on a thread of its own: the clock moves only once the lookup waits on it, so that the
            // hour below ends it, and the call's wait is on a lookup that is really under way.
            await late.Asked.WaitAsync(TimeSpan.FromSeconds(10));
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

        private readonly TimeProvider _clock = clock;
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the service has been asked for, its hour's wait on the clock.</summary>
        public Task Asked => _asked.Task;

        public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
        {
            provider = query.ServiceName == service ? new Late(this) : null;
            return provider is not null;
        }

        private sealed class Late(LateBy factory) : IServiceEndpointProvider
        {
            public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
            {
                var late = Task.Delay(Delay, factory._clock, cancellationToken);
                factory._asked.TrySetResult();
                await late;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
