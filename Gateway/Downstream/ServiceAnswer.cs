using System.Text.Json;
using CircuitDemo.Resilience.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.Gateway.Downstream;

/// <summary>A service's answer, kept to be forwarded as it was given: status, JSON body (if any) and content type.</summary>
public sealed record ServiceAnswer(int StatusCode, JsonElement? Body, string? ContentType)
{
    /// <summary>Reads an answer; a body that is not JSON is an <see cref="HttpRequestException"/> (the service misbehaved).</summary>
    public static async Task<ServiceAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content is UsableJsonContent usable)
        {
            // Parsed and checked by the pipeline already: forwarded as it was read, not parsed again.
            return new((int)response.StatusCode, usable.Json, content.Headers.ContentType?.MediaType);
        }

        if (content.Headers.ContentLength is 0)
        {
            return new((int)response.StatusCode, null, null);
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(
                await content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return new((int)response.StatusCode, body, content.Headers.ContentType?.MediaType);
        }
        catch (JsonException exception)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.RequestUri?.Host} answered {(int)response.StatusCode} with a body that is not JSON.",
                exception,
                response.StatusCode);
        }
    }

    /// <summary>The same answer from the gateway (an endpoint that forwards answers ProblemDetails of its own too).</summary>
    public Results<JsonHttpResult<JsonElement>, StatusCodeHttpResult, ProblemHttpResult> Forward() =>
        Body is { } json
            ? TypedResults.Json(json, contentType: ContentType, statusCode: StatusCode)
            : TypedResults.StatusCode(StatusCode);
}
