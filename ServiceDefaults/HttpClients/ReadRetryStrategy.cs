using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly;
using Polly.Retry;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// Retries a read once when it failed fast: a failure status, a transport error, an unusable answer. Never a rejection
/// (the breaker has just said no), never a timeout (it has already spent the caller's time), never a call the caller
/// cancelled, and never a write (it might have been applied): a write's pipeline has no retry. It waits 50 ms, give or
/// take a quarter so that many callers do not retry in step, and never a <c>Retry-After</c>: a dependency's "come back
/// in 120 s" must not hold a read past its attempt timeouts. Written here rather than taken from Polly: Polly's retry
/// reads the clock twice and builds its telemetry arguments for every call, also for the many that need no retry.
/// </summary>
internal sealed class ReadRetryStrategy(TimeProvider time, PollyEvents events) : ResilienceStrategy<HttpResponseMessage>
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var started = time.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            Outcome<HttpResponseMessage> outcome;
            try
            {
                outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (Exception exception)
            {
                outcome = Outcome.FromException<HttpResponseMessage>(exception);
            }

            if (attempt > 0 || !ShouldRetry(outcome) || context.CancellationToken.IsCancellationRequested)
            {
                return outcome;
            }

            var delay = Delay * (0.75 + (Random.Shared.NextDouble() / 2));
            await events.OnRetry(new OnRetryArguments<HttpResponseMessage>(context, outcome, attempt, delay, time.GetElapsedTime(started)))
                .ConfigureAwait(context.ContinueOnCapturedContext);
            outcome.Result?.Dispose();
            try
            {
                await Task.Delay(delay, time, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (OperationCanceledException exception)
            {
                return Outcome.FromException<HttpResponseMessage>(exception);
            }
        }
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } response && HttpOutcomeClassifier.IsFailureStatus(response.StatusCode),
        HttpRequestException => true,
        _ => false,
    };

    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = PollyEvents.RetryStrategyName;
    }
}
