using System.Net;
using System.Text.Json;
using CircuitDemo.Resilience.Observability;
using CircuitDemo.Resilience.Pipeline;
using CircuitDemo.Resilience.Registration;

namespace CircuitDemo.Resilience.Http;

/// <summary>
/// A response body the pipeline has read whole and found usable as the JSON the request asked for: it carries the
/// parsed value forward to the caller (and the JSON, for a caller that forwards the answer as it was), while the bytes
/// can still be read as any content can. Nothing is parsed twice, and a caller whose client lacks the pipeline finds a
/// plain content instead and gets a clear error rather than a value nobody checked.
/// </summary>
public sealed class UsableJsonContent : HttpContent
{
    private readonly byte[] _body;

    internal UsableJsonContent(byte[] body, JsonElement json, object value, HttpContent original)
    {
        _body = body;
        Json = json;
        Value = value;
        foreach (var (name, values) in original.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    /// <summary>The body as JSON.</summary>
    public JsonElement Json { get; }

    /// <summary>The body as the type the request asked for, every required member present.</summary>
    public object Value { get; }

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_body).AsTask();

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_body, cancellationToken).AsTask();

    /// <inheritdoc />
    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new MemoryStream(_body, writable: false));

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
