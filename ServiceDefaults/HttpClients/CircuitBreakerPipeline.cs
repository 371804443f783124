using System.Threading.RateLimiting;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// The resilience pipeline of every outgoing call, in one place: what Microsoft.Extensions.Http.Resilience's
/// <c>AddResilienceHandler</c> builds for each pipeline key, from Polly's own strategies and the hand-written breaker.
/// One pipeline per breaker (service and operation kind), one per service and kind for the control-plane calls that
/// bypass its breaker, and an empty one for hosts this process guards nothing for. The breaker's state lives in the
/// breaker; a pipeline holds none of its own.
/// </summary>
internal static class CircuitBreakerPipeline
{
    public const string RetryStrategyName = "read-retry";
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

    /// <summary>Every pipeline key of the breakers that exist now: each through its breaker, and bypassing it.</summary>
    public static IEnumerable<string> KeysOf(CircuitBreakerRegistry registry) =>
        registry.All.SelectMany(breaker => new[] { breaker.Name, breaker.Name + BypassSuffix });

    /// <summary>
    /// From outside in: Polly's retry, once, for a read that failed fast; Polly's concurrency limiter, when the breaker
    /// has <c>MaxConcurrentCalls</c>; the breaker of the key's service and kind; Polly's attempt timeout. Inside them runs the rest of the handler chain, the whole-body read of
    /// <see cref="WholeResponseHandler"/> included, so a body that stalls, trickles, is cut off, is too large or is
    /// unusable is a failed attempt: timed out, counted by the breaker, retried like a 5xx.
    /// </summary>
    public static void Build(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, string key, IServiceProvider services)
    {
        if (key == Unguarded)
        {
            return;
        }

        var registry = services.GetRequiredService<CircuitBreakerRegistry>();
        var bypassed = key.EndsWith(BypassSuffix, StringComparison.Ordinal);
        var breakerKey = CircuitBreakerKey.FromName(bypassed ? key[..^BypassSuffix.Length] : key);
        var breaker = bypassed ? null : registry.Get(breakerKey);
        var options = breaker?.Options ?? registry.OptionsFor(breakerKey);

        if (!breakerKey.IsWrite)
        {
            pipeline.AddRetry(ReadRetry);
        }

        // Outside the breaker, so that a call over the limit never asks it: never a failure, never a probe. Its
        // rejection is not retried (IsRetriable) and is counted as the breaker's rejection.
        var telemetry = services.GetRequiredService<CircuitBreakerTelemetry>();
        if (breaker is not null && options.MaxConcurrentCalls is { } limit)
        {
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions
            {
                Name = LimiterStrategyName,
                DefaultRateLimiterOptions = new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 },
                OnRejected = args =>
                {
                    breaker.CountRejected();
                    telemetry.RecordLimitRejection(breaker);
                    return default;
                },
            });
        }

        // A breaker with Enabled = false passes its calls straight through: the strategy decides that, not this.
        if (breaker is not null)
        {
            pipeline.AddCircuitDemoBreaker(breaker, telemetry);
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = TimeoutStrategyName, Timeout = options.AttemptTimeout });
    }

    // A read is retried once when it failed fast (HttpOutcomeClassifier.IsRetriable: a failure by the verdict the
    // breaker records, not a rejection or a timeout), never a write: a write's pipeline has no retry, it might have
    // been applied. It waits 50 ms, give or take a quarter so that many callers do not retry in step, and never a
    // Retry-After: a dependency's "come back in 120 s" must not hold a read past its attempt timeouts.
    private static readonly HttpRetryStrategyOptions ReadRetry = new()
    {
        Name = RetryStrategyName,
        MaxRetryAttempts = 1,
        Delay = RetryDelay,
        BackoffType = DelayBackoffType.Constant,
        UseJitter = true,
        ShouldRetryAfterHeader = false,
        ShouldHandle = static args => ValueTask.FromResult(HttpOutcomeClassifier.IsRetriable(args.Outcome, args.Context.CancellationToken)),
    };
}
