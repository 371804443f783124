using CircuitDemo.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CircuitDemo.FailureModes;

/// <summary>Reads a failure-mode request body: JSON only (415 otherwise), small (413), and valid (400).</summary>
public static class FailureModeBody
{
    /// <summary>The mode, or the ProblemDetails answer that explains why the body was refused.</summary>
    public static async Task<(FailureMode? Mode, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send the failure mode as "
                + $"{System.Net.Mime.MediaTypeNames.Application.Json}."));
        }

        if (request.ContentLength > FailureModeParser.MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        var body = new byte[FailureModeParser.MaxBodyBytes + 1];
        var length = await request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
        if (length > FailureModeParser.MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        var (mode, error) = FailureModeParser.Parse(body.AsMemory(0, length));
        return mode is null ? (null, Problem(StatusCodes.Status400BadRequest, "Invalid failure mode", error!)) : (mode, null);
    }

    private static ProblemHttpResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A failure mode is at most {FailureModeParser.MaxBodyBytes} bytes.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
