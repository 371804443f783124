using CircuitDemo.Resilience.Http;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>
/// Reads one dashboard section from a service through its HttpClient (and so through its breaker), and serves the
/// fallback when the call fails for any downstream reason. A cancellation by the gateway's own caller is not a
/// downstream failure and propagates.
/// </summary>
public abstract partial class DownstreamClient(HttpClient http, ILogger logger)
{
    /// <summary>The service's HttpClient, with ServiceDefaults' circuit-breaker pipeline.</summary>
    protected HttpClient Http { get; } = http;

    /// <summary>GETs <paramref name="path"/> as <typeparamref name="TAnswer"/> and shows it, or the fallback with its reason.</summary>
    protected async Task<Section<TView>> GetSectionAsync<TAnswer, TView>(
        string path, Func<TAnswer, TView> show, Func<TView> fallback, CancellationToken cancellationToken)
    {
        try
        {
            return new(show(await Http.GetUsableJsonAsync<TAnswer>(path, cancellationToken)), FallbackReason.Live);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The gateway's own caller has not cancelled: any other cancellation is a timeout, no layer's becomes a 500.
            var failure = CircuitBreakingExtensions.FailureOf(exception);
            var reason = FallbackReason.For(failure);
            if (failure != CallFailure.Unexpected)
            {
                LogFallback(logger, Http.BaseAddress?.Host, reason, exception.Message);
            }
            else
            {
                LogUnexpectedFallback(logger, Http.BaseAddress?.Host, reason, exception);
            }

            return new(fallback(), reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Serving the {Service} fallback ({Reason}): {Error}")]
    private static partial void LogFallback(ILogger logger, string? service, string reason, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving the {Service} fallback ({Reason}) after an exception the gateway does not expect")]
    private static partial void LogUnexpectedFallback(ILogger logger, string? service, string reason, Exception exception);
}
