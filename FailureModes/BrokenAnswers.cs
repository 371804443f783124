using CircuitDemo.Contracts;
using Microsoft.AspNetCore.Http;

namespace CircuitDemo.FailureModes;

/// <summary>The answers of the failure modes that break after the status line: the faults a status code cannot show.</summary>
internal static class BrokenAnswers
{
    private const string HtmlErrorPage =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The upstream server is not "
            + "answering.</p></body></html>";

    private const string OtherShape = """{"status":"degraded","items":null}""";

    private static readonly TimeSpan CutAfter = TimeSpan.FromMilliseconds(250);

    /// <summary>Holds the request until the client gives up (at most <see cref="FailureMode.MaxHold"/>), then drops the connection.</summary>
    public static async Task HoldAsync(HttpContext http, TimeProvider time)
    {
        try
        {
            await Task.Delay(FailureMode.MaxHold, time, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, as it should.
        }

        http.Abort();
    }

    /// <summary>Headers and the first half of the body, then nothing.</summary>
    public static async Task StallAsync(HttpContext http, CapturedAnswer answer, TimeProvider time)
    {
        await WriteAsync(http, answer.Body.AsMemory(0, Half(answer)));
        await HoldAsync(http, time);
    }

    /// <summary>Headers and the first half of the body, then the connection is dropped.</summary>
    public static async Task CutAsync(HttpContext http, CapturedAnswer answer, TimeProvider time)
    {
        await WriteAsync(http, answer.Body.AsMemory(0, Half(answer)));

        // A flush hands the bytes to the transport; an abort at once could discard them unsent, and the client would
        // see a connection refused before any answer ("unavailable") instead of an answer cut off mid-body.
        await Task.Delay(CutAfter, time, http.RequestAborted);
        http.Abort();
    }

    /// <summary>The whole body, a few bytes at a time, spread evenly over <paramref name="duration"/>.</summary>
    public static async Task TrickleAsync(HttpContext http, CapturedAnswer answer, TimeSpan duration, TimeProvider time)
    {
        const int TicksPerSecond = 10; // a write every 100 ms: "a few bytes at a time" for a dashboard answer
        var writes = Math.Max(1, (int)(duration.TotalSeconds * TicksPerSecond));
        var chunk = Math.Max(1, (int)Math.Ceiling(answer.Body.Length / (double)writes));
        var pause = duration / Math.Ceiling(answer.Body.Length / (double)chunk);
        try
        {
            for (var offset = 0; offset < answer.Body.Length; offset += chunk)
            {
                await WriteAsync(http, answer.Body.AsMemory(offset, Math.Min(chunk, answer.Body.Length - offset)));
                await Task.Delay(pause, time, http.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client gave up before the end.
        }
    }

    /// <summary>A <c>200</c> the caller cannot use: an HTML error page, or JSON of another shape.</summary>
    public static IResult Garbage(GarbageBody kind) =>
        (kind == GarbageBody.Random ? (Random.Shared.Next(2) == 0 ? GarbageBody.Html : GarbageBody.Json) : kind) == GarbageBody.Html
            ? Results.Content(HtmlErrorPage, "text/html; charset=utf-8")
            : Results.Content(OtherShape, "application/json");

    /// <summary>
    /// A <c>200</c> JSON body of exactly <paramref name="size"/> bytes, streamed without a length (chunked), until done
    /// or the client leaves.
    /// </summary>
    public static async Task HugeAsync(HttpContext http, long size)
    {
        http.Response.ContentType = "application/json";
        var open = "{\"padding\":\""u8.ToArray();
        var close = "\"}"u8.ToArray();
        var padding = new byte[64 * 1024];
        Array.Fill(padding, (byte)'x');
        try
        {
            await WriteAsync(http, open.AsMemory(0, (int)Math.Min(open.Length, size)));
            var remaining = size - open.Length - close.Length;
            while (remaining > 0)
            {
                var length = (int)Math.Min(padding.Length, remaining);
                await http.Response.Body.WriteAsync(padding.AsMemory(0, length), http.RequestAborted);
                remaining -= length;
            }

            if (size >= open.Length + close.Length)
            {
                await WriteAsync(http, close);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client stopped reading, as a client with a size limit should.
        }
    }

    private static int Half(CapturedAnswer answer) => Math.Max(1, answer.Body.Length / 2);

    private static async Task WriteAsync(HttpContext http, ReadOnlyMemory<byte> bytes)
    {
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
