using System.Net.Http.Headers;
using System.Text.Json;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>
/// What a request needs its answer to be: JSON that deserializes to the caller's type with every required member
/// present and non-null. Set on the request by the caller; checked by the pipeline inside the breaker once the whole
/// body is in, so an answer the caller could not use counts as a failure, and the caller gets the parsed value.
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

    /// <summary>The parsed answer, once the pipeline has checked it.</summary>
    public object? Value { get; private set; }

    /// <summary>Asks for JSON of type <typeparamref name="T"/> on <paramref name="request"/>.</summary>
    public static ExpectedJson Set<T>(HttpRequestMessage request)
    {
        var expected = new ExpectedJson(static json => json.Deserialize<T>(Strict));
        request.Headers.Accept.Add(Json);
        request.Options.Set(Key, expected);
        return expected;
    }

    /// <summary>What <paramref name="request"/> expects, if anything.</summary>
    public static ExpectedJson? Of(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var expected) ? expected : null;

    /// <summary>Parses the buffered body; throws <see cref="UnusableResponseException"/> when it cannot be used.</summary>
    public async ValueTask CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            throw UnusableResponseException.NotJson(response, $"its content type is {mediaType}.");
        }

        JsonDocument document;
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw UnusableResponseException.NotJson(response, exception.Message);
        }
        finally
        {
            // HttpContent hands out the same stream each time: rewound, the caller can still read the body.
            if (body.CanSeek)
            {
                body.Position = 0;
            }
        }

        using (document)
        {
            try
            {
                Value = _parse(document.RootElement) ?? throw UnusableResponseException.WrongShape(response, "the body is null.");
            }
            catch (JsonException exception)
            {
                throw UnusableResponseException.WrongShape(response, exception.Message);
            }
        }
    }
}
