using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using Polly;
using Polly.Hedging;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// Hedged reads in a client pipeline, composed from Polly's hedging strategy; what Polly leaves to its caller is ours:
/// when the hedge is due (<see cref="HedgeDelay"/>), whether it is sent (<see cref="HedgedReads.TrySend"/>), its own
/// request, and the instance it goes to (another than the first attempt's, by <see cref="AttemptTrail"/>). Everything
/// below it (the concurrency limit, the breaker's permit, the instance's record, the attempt timeout) sees the hedge as
/// one more attempt.
/// </summary>
internal static class HedgedReadsPipeline
{
    public const string StrategyName = "hedged-read";

    /// <summary>
    /// Adds, outside the attempt, one strategy that sends a read that can be hedged (<see cref="HedgedReads.CanHedge"/>)
    /// through Polly's hedging while hedging is armed (<see cref="HedgeDelay.Armed"/>), one hedge at most, with the read's
    /// shared state (<see cref="HedgedRead"/>), and counts its hedge once it has ended; any other read goes straight on,
    /// and costs nothing more (its attempt may be watched for the tail's return). The first usable answer wins and
    /// the other attempt is cancelled; that one's outcome is a cancellation, which neither the breaker nor its instance's
    /// record counts.
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddHedgedReads(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, string name, HedgedReads hedges, CircuitBreakerTelemetry telemetry) =>
        pipeline.AddStrategy(
            context => new HedgedReadStrategy(hedges, Hedging(context.TimeProvider, name, hedges, telemetry)), new HedgedReadOptions());

    // Polly's hedging, in a pipeline of its own on the same clock, so that only a read worth hedging runs through it.
    private static ResiliencePipeline<HttpResponseMessage> Hedging(
        TimeProvider time, string name, HedgedReads hedges, CircuitBreakerTelemetry telemetry) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }.AddHedging(new HedgingStrategyOptions<HttpResponseMessage>
        {
            Name = "hedging",
            MaxHedgedAttempts = 1,

            // Wait for an answer that can be used: a failure (a 5xx, a timeout, a rejection) waits on the other attempt.
            // The first attempt's end is noted, so that a failure before the delay is left to the retry.
            ShouldHandle = args =>
            {
                if (args.AttemptNumber == 0 && args.Context.Properties.TryGetValue(HedgedRead.Key, out var read))
                {
                    read.EndFirst();
                }

                return ValueTask.FromResult(HttpOutcomeClassifier.Classify(args.Outcome, args.Context.CancellationToken) == CallOutcome.Failure);
            },

            // The delay now; once the hedge is decided on, wait for the attempts in flight.
            DelayGenerator = args => ValueTask.FromResult(
                args.Context.Properties.TryGetValue(HedgedRead.Key, out var read) && !read.Decided ? hedges.Delay.Now : Timeout.InfiniteTimeSpan),

            ActionGenerator = args =>
            {
                if (!args.PrimaryContext.Properties.TryGetValue(HedgedRead.Key, out var read) || !hedges.TrySend(read))
                {
                    return null;
                }

                var delay = hedges.Delay.Now;
                return async () =>
                {
                    using var span = telemetry.StartHedge(name, delay);
                    var context = args.ActionContext;
                    context.SetRequestMessage(HedgeRequest.CopyOf(args.PrimaryContext.GetRequestMessage()!, read.Service));
                    context.Properties.Set(HedgedRead.IsHedge, true);
                    var outcome = await args.Callback(context).ConfigureAwait(context.ContinueOnCapturedContext);
                    if (context.CancellationToken.IsCancellationRequested)
                    {
                        span?.SetTag(CircuitBreakerTelemetry.HedgeLostTag, true);
                    }

                    return outcome;
                };
            },
        }).Build();

    private sealed class HedgedReadOptions : ResilienceStrategyOptions
    {
        public HedgedReadOptions() => Name = StrategyName;
    }

    // A read that can be hedged, while hedging is armed: its shared state before the first attempt, Polly's hedging, and
    // its hedge counted after; while it is not, the read goes on unhedged.
    private sealed class HedgedReadStrategy(HedgedReads hedges, ResiliencePipeline<HttpResponseMessage> hedging)
        : ResilienceStrategy<HttpResponseMessage>
    {
        protected override ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
        {
            var request = context.GetRequestMessage() ?? throw new InvalidOperationException(
                "The hedged read runs inside an HttpClient's resilience handler.");
            return hedges.CanHedge(request) && hedges.Delay.Armed ? Hedged(callback, context, state, request) : callback(context, state);
        }

        private async ValueTask<Outcome<HttpResponseMessage>> Hedged<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
            ResilienceContext context,
            TState state,
            HttpRequestMessage request)
        {
            var read = new HedgedRead(request.RequestUri!);
            context.Properties.Set(HedgedRead.Key, read);
            context.Properties.Set(HedgedRead.IsHedge, false);
            AttemptTrail.Of(context);
            var outcome = await hedging.ExecuteOutcomeAsync(callback, context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            hedges.Settle(read, hedgeWon: context.Properties.GetValue(HedgedRead.IsHedge, false));
            return outcome;
        }
    }
}
