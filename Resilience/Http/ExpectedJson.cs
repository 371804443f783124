using System.Net.Http.Headers;
using System.Text.Json;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// What a request needs its answer to be: JSON that deserializes to the caller's type with every required member
/// present and non-null. Set on the request by the caller (it travels forward, with the request); checked by the
/// pipeline inside the breaker once the whole body is in, so an answer the caller could not use counts as a failure.
/// The parsed value travels forward too, on the response (<see cref="UsableJsonContent"/>): nothing is written back.
/// </summary>
internal sealed class ExpectedJson
{
    private static readonly HttpRequestOptionsKey<ExpectedJson> Key = new("CircuitDemo.ExpectedJson");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    // Strict: a positional record's constructor parameters are required, and null is refused where the type says
    // non-nullable, so "{"status":"degraded","items":null}" is not quietly read as an empty answer.
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly Func<JsonElement, object?> _parse;

    private ExpectedJson(Func<JsonElement, object?> parse) => _parse = parse;

    /// <summary>Asks for JSON of type <typeparamref name="T"/> on <paramref name="request"/>.</summary>
    public static void Set<T>(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(Json);
        request.Options.Set(Key, new ExpectedJson(static json => json.Deserialize<T>(Strict)));
    }

    /// <summary>What <paramref name="request"/> expects, if anything.</summary>
    public static ExpectedJson? Of(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var expected) ? expected : null;

    /// <summary>
    /// Parses the buffered body and puts it on the response as a <see cref="UsableJsonContent"/>; throws
    /// <see cref="UnusableResponseException"/> when it cannot be used.
    /// </summary>
    public async ValueTask AcceptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            throw UnusableResponseException.NotJson(response, $"its content type is {mediaType}.");
        }

        // Already buffered whole (within the size limit) by the time it is checked.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw UnusableResponseException.NotJson(response, exception.Message);
        }

        object value;
        try
        {
            value = _parse(json) ?? throw UnusableResponseException.WrongShape(response, "the body is null.");
        }
        catch (JsonException exception)
        {
            throw UnusableResponseException.WrongShape(response, exception.Message);
        }

        var original = response.Content;
        response.Content = new UsableJsonContent(body, json, value, original);
        original.Dispose();
    }
}
