using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>One retry of a read that failed fast, outside the breaker.</summary>
internal static class ReadRetry
{
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddReadRetry(this ResiliencePipelineBuilder<HttpResponseMessage> pipeline) =>
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            Name = "read-retry",
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = true,

            // A dependency's Retry-After (say, 503 with 120 s) must never hold a read past its attempt timeouts.
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
        });

    // A read is retried once after a fast failure: a failure status, a transport error, an unusable answer. Never a
    // write (it might have been applied), never a rejection (the breaker has just said no), never a timeout (it has
    // already spent the caller's time).
    private static bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        if (context.GetRequestMessage() is not { } request || CircuitBreakerRoute.IsWrite(request.Method))
        {
            return false;
        }

        return outcome.Exception switch
        {
            null => outcome.Result is { } response && HttpOutcomeClassifier.IsFailureStatus(response.StatusCode),
            HttpRequestException => true,
            _ => false,
        };
    }
}
