using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>Reading JSON through the circuit-breaker pipeline so that an unusable answer counts as the failure it is.</summary>
public static class UsableJsonExtensions
{
    /// <summary>
    /// GETs <paramref name="path"/> and returns its JSON as <typeparamref name="T"/>. The answer is checked inside the
    /// breaker: a failure status, a body that is cut off, too large, not JSON or missing a required member is a
    /// failure the breaker counts, and surfaces here as an <see cref="HttpRequestException"/>; a timeout, a rejection by
    /// the breaker or a caller's cancellation surface as themselves. <c>CircuitBreakingExtensions.FailureOf</c>
    /// tells which.
    /// </summary>
    public static async Task<T> GetUsableJsonAsync<T>(this HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path).ExpectJson<T>();
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // The pipeline turned a usable 2xx into its parsed value; any other answer it let through (a 404, or a 5xx the
        // breaker has counted already) has none, and is not decided again here.
        return response.Content switch
        {
            UsableJsonContent { Value: T value } => value,
            _ when !response.IsSuccessStatusCode => throw new HttpRequestException(
                $"{response.RequestMessage?.RequestUri?.Host} answered {(int)response.StatusCode}: no {typeof(T).Name} to read.",
                null,
                response.StatusCode),
            _ => throw new InvalidOperationException($"{nameof(GetUsableJsonAsync)} needs the HttpClient to carry ServiceDefaults' "
                + $"circuit-breaker pipeline (AddServiceDefaults): nothing checked this answer."),
        };
    }

    /// <summary>
    /// Asks for a successful answer to <paramref name="request"/> to be JSON of type <typeparamref name="T"/>, checked
    /// inside the breaker: a 2xx whose body is not such JSON is a failure (<see cref="UnusableResponseException"/>).
    /// </summary>
    public static HttpRequestMessage ExpectJson<T>(this HttpRequestMessage request)
    {
        ExpectedJson.Set<T>(request);
        return request;
    }
}
