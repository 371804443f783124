using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The breaker options that apply to the request a pipeline is executing, found without creating a breaker.</summary>
internal static class RequestOptions
{
    public static CircuitBreakerOptions For(CircuitBreakerRegistry registry, ResilienceContext context) =>
        registry.OptionsFor(CircuitBreakerRoute.For(context.GetRequestMessage()
            ?? throw new InvalidOperationException("This strategy runs inside an HttpClient's resilience handler.")));
}
