using CircuitDemo.Resilience.Core;
using CircuitDemo.Resilience.Hedging;
using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Instances;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Registration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace CircuitDemo.Resilience.Pipeline;

/// <summary>
/// The resilience pipeline of every outgoing call, in one place: what Microsoft.Extensions.Http.Resilience's
/// <c>AddResilienceHandler</c> builds for each pipeline key, from Polly's own strategies and the hand-written attempt.
/// A request's key (<see cref="KeyOf"/>) says, once per call, which breaker it goes through, or that it bypasses it (a
/// control-plane call), or that no breaker of this process guards its host; everything else about the call (its guard,
/// its options, whether the breaker is on) is decided once, when the pipeline of its key is built (<see cref="Build"/>).
/// </summary>
internal static class CircuitBreakerPipeline
{
    public const string RetryStrategyName = "read-retry";
    public const string WriteRetryStrategyName = "write-retry";
    public const string TimeoutStrategyName = "attempt-timeout";
    public const string LimiterStrategyName = "concurrency-limit";

    private const string BypassSuffix = "/control-plane";
    private const string Unguarded = "unguarded";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The pipeline key of <paramref name="request"/>: its breaker's name, marked for a control-plane call.</summary>
    public static string KeyOf(HttpRequestMessage request, CircuitBreakerRegistry registry)
    {
        var key = CircuitBreakerRoute.For(request);
        if (!registry.Guards(key.Service))
        {
            return Unguarded;
        }

        return CircuitBreakerRoute.IsBypassed(request) ? key.Name + BypassSuffix : key.Name;
    }

    /// <summary>Builds the pipeline of one key: the breaker's, a control-plane call's, or a host's no breaker guards.</summary>
    /// <remarks>
    /// The order of the strategies, stated here once. From outside in: Polly's retry, once, for a read that failed fast
    /// or a write that got no usable answer (to another instance, with the same idempotency key), within the service's
    /// retry budget; for a read, Polly's hedging (<see cref="HedgedReadsPipeline"/>: one hedge to another instance when
    /// the first attempt is still unanswered after the hedge delay, paid from the same budget); Polly's concurrency
    /// limiter, static (<c>MaxConcurrentCalls</c>) or adaptive (<see cref="Overload.AdaptiveConcurrencyLimiter"/>); the
    /// attempt through the breaker of the key's service and kind
    /// (<see cref="CircuitBreakerAttempt"/>), or straight to an instance when the call bypasses it or the breaker is off
    /// (<see cref="DirectAttempt"/>); Polly's attempt timeout; and the whole-body read (<see
    /// cref="WholeResponseStrategy"/>), so a body that stalls, trickles, is cut off, is too large or is unusable is a
    /// failed attempt: timed out, counted by the breaker, retried like a 5xx. A host no breaker guards gets the
    /// instance choice alone.
    /// </remarks>
    public static void Build(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, string key, IServiceProvider services)
    {
        var instances = services.GetRequiredService<ServiceInstances>();
        if (key == Unguarded)
        {
            // Any host at all: its list is resolved for each call and not kept.
            pipeline.AddStrategy(_ => new DirectAttempt(instances, remember: false), new AttemptOptions());
            return;
        }

        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var bypassed = key.EndsWith(BypassSuffix, StringComparison.Ordinal);
        var breakerKey = CircuitBreakerKey.FromName(bypassed ? key[..^BypassSuffix.Length] : key);
        var options = registry.OptionsFor(breakerKey);
        var guard = bypassed || !options.Enabled ? null : registry.Guard(breakerKey);

        var telemetry = services.GetRequiredService<CircuitBreakerTelemetry>();
        pipeline.AddRetry(Retry(breakerKey.IsWrite, guard, telemetry));
        if (guard is null)
        {
            pipeline.AddStrategy(_ => new DirectAttempt(instances), new AttemptOptions());
        }
        else
        {
            if (guard.Hedges is { } hedges)
            {
                // Reads only (the write side has none): a read unanswered after the hedge delay sends one more attempt
                // to another instance, inside the retry, outside the limit and the breaker, which see it as an attempt.
                pipeline.AddHedgedReads(guard.Name, hedges, telemetry);
            }

            if (guard.Limiter is { } limiter)
            {
                // Outside the breaker, so that a call over the limit never asks it: never a failure, never a probe. Its
                // rejection is not retried (IsRetriable) and is counted as the breaker's rejection.
                pipeline.AddRateLimiter(new RateLimiterStrategyOptions
                {
                    Name = LimiterStrategyName,
                    RateLimiter = args => limiter.AcquireAsync(1, args.Context.CancellationToken),
                    OnRejected = args =>
                    {
                        if (args.Context.Properties.GetValue(HedgedRead.IsHedge, false)
                            && args.Context.Properties.TryGetValue(HedgedRead.Key, out var read))
                        {
                            // A hedge over the limit is a hedge refused, not a call turned away.
                            read.TurnedAway();
                            return default;
                        }

                        guard.Breaker.CountRejected();
                        guard.Recent.Add(null, CallOutcome.Rejected, slow: false, TimeSpan.Zero);
                        telemetry.RecordLimitRejection(guard.Name, guard.Concurrency?.Limit ?? 0);
                        return default;
                    },
                });
            }

            var time = services.GetRequiredService<TimeProvider>();
            pipeline.AddStrategy(_ => new CircuitBreakerAttempt(guard, instances, telemetry, time), new AttemptOptions());
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = TimeoutStrategyName, Timeout = options.Breaker.AttemptTimeout });
        pipeline.AddStrategy(_ => new WholeResponseStrategy(options.Limits.MaxResponseBodyBytes), new WholeResponseOptions());
    }

    // A read is retried once when it failed fast (HttpOutcomeClassifier.IsRetriable: a failure by the verdict the
    // breaker records, not a rejection or a timeout). Never after a Retry-After: a dependency's "come back in 120 s"
    // must not hold a read past its attempt timeouts.
    // A write with an Idempotency-Key is retried once when it got no usable answer (HttpOutcomeClassifier.IsRetriableWrite:
    // a 5xx, no connection, a timeout, a cut answer; never a 4xx, a rejection or a write without a key). It may have been
    // applied: the retry carries the same request, so the same Idempotency-Key and X-Request-Id (by which payment-service
    // tells the call that made a payment from a later one), to another instance, which reads the same ledger.
    private static bool ShouldRetry(bool isWrite, RetryPredicateArguments<HttpResponseMessage> args) => isWrite
        ? HttpOutcomeClassifier.IsRetriableWrite(args.Context.GetRequestMessage(), args.Outcome, args.Context.CancellationToken)
        : HttpOutcomeClassifier.IsRetriable(args.Outcome, args.Context.CancellationToken);

    // One more attempt, 50 ms later give or take a quarter (so that many callers do not retry in step), never after a
    // Retry-After; the attempt itself goes elsewhere (AttemptTrail). Through a breaker, the
    // retry is paid from its service's retry budget: every call's first outcome deposits, a retry withdraws, and one
    // the budget refuses is not sent (the call ends as its first attempt did).
    private static HttpRetryStrategyOptions Retry(bool isWrite, ServiceGuard? guard, CircuitBreakerTelemetry telemetry) => new()
    {
        Name = isWrite ? WriteRetryStrategyName : RetryStrategyName,
        MaxRetryAttempts = 1,
        Delay = RetryDelay,
        BackoffType = DelayBackoffType.Constant,
        UseJitter = true,
        ShouldRetryAfterHeader = false,
        ShouldHandle = args =>
        {
            if (guard is null || args.AttemptNumber > 0)
            {
                return ValueTask.FromResult(ShouldRetry(isWrite, args));
            }

            if (HttpOutcomeClassifier.ReachedService(args.Outcome))
            {
                guard.RetryBudget.Deposit();
            }

            return ValueTask.FromResult(ShouldRetry(isWrite, args) && Paid(guard, telemetry));
        },
    };

    private static bool Paid(ServiceGuard guard, CircuitBreakerTelemetry telemetry)
    {
        var paid = guard.RetryBudget.TryWithdraw();
        if (!paid)
        {
            telemetry.RecordRetryRefused(guard.Name);
        }

        return paid;
    }

    private sealed class AttemptOptions : ResilienceStrategyOptions
    {
        public AttemptOptions() => Name = "attempt";
    }

    private sealed class WholeResponseOptions : ResilienceStrategyOptions
    {
        public WholeResponseOptions() => Name = "whole-response";
    }
}
