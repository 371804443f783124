namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>Reading JSON through the circuit-breaker pipeline so that an unusable answer counts as the failure it is.</summary>
public static class UsableJsonExtensions
{
    /// <summary>
    /// GETs <paramref name="path"/> and returns its JSON as <typeparamref name="T"/>. The answer is checked inside the
    /// breaker: a failure status, a body that is cut off, too large, not JSON or missing a required member is a
    /// failure the breaker counts, and surfaces here as an <see cref="HttpRequestException"/>
    /// (<see cref="UnusableResponseException"/> for the body); a timeout, a rejection by the breaker or a caller's
    /// cancellation surface as themselves.
    /// </summary>
    public static async Task<T> GetUsableJsonAsync<T>(this HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path).ExpectJson<T>();
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return response.Content is UsableJsonContent { Value: T value }
            ? value
            : throw new InvalidOperationException($"{nameof(GetUsableJsonAsync)} needs the HttpClient to carry ServiceDefaults' {CircuitBreakerPipelineExtensions.PipelineName}: nothing checked this answer.");
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
