using System.Text.Json;

namespace CircuitDemo.ServiceDefaults.FailureInjection;

/// <summary>
/// Reads the body of <c>PUT /failure-mode</c> strictly: the mode must be known, its numbers present, of the
/// right type and within range. Anything else is an error message for a 400, and the mode stays as it was.
/// </summary>
public static class FailureModeParser
{
    /// <summary>The largest body accepted; a failure mode is a few dozen bytes.</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>Parses <paramref name="json"/>, which must be one JSON value and nothing after it; exactly one result is non-null.</summary>
    public static (FailureMode? Mode, string? Error) Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException exception)
        {
            return (null, "The body is not valid JSON: " + exception.Message);
        }
    }

    private static (FailureMode? Mode, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "The body must be a JSON object such as {\"mode\":\"error\",\"statusCode\":500}.");
        }

        if (!body.TryGetProperty("mode", out var modeElement) || modeElement.ValueKind != JsonValueKind.String)
        {
            return (null, "'mode' is required: one of none, error, slow, hang, flaky, down.");
        }

        return modeElement.GetString() switch
        {
            "none" => (FailureMode.None, null),
            "hang" => (new FailureMode(FailureKind.Hang), null),
            "down" => (new FailureMode(FailureKind.Down), null),
            "error" => ReadInteger(body, "statusCode", 500, 599, defaultValue: 500) switch
            {
                (int status, null) => (new FailureMode(FailureKind.Error, StatusCode: status), null),
                (_, var error) => (null, error),
            },
            "slow" => ReadInteger(body, "delayMs", 0, 120_000, defaultValue: null) switch
            {
                (int delay, null) => (new FailureMode(FailureKind.Slow, DelayMs: delay), null),
                (_, var error) => (null, error),
            },
            "flaky" => ReadRate(body) switch
            {
                (double rate, null) => (new FailureMode(FailureKind.Flaky, FailureRate: rate), null),
                (_, var error) => (null, error),
            },
            var unknown => (null, $"Unknown mode '{unknown}': use one of none, error, slow, hang, flaky, down."),
        };
    }

    private static (int? Value, string? Error) ReadInteger(JsonElement body, string name, int min, int max, int? defaultValue)
    {
        if (!body.TryGetProperty(name, out var element))
        {
            return defaultValue is { } value ? (value, null) : (null, $"'{name}' is required: an integer from {min} to {max}.");
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) && number >= min && number <= max
            ? (number, null)
            : (null, $"'{name}' must be an integer from {min} to {max}.");
    }

    private static (double? Value, string? Error) ReadRate(JsonElement body)
    {
        const string Message = "'failureRate' is required: a number from 0 to 1.";
        return body.TryGetProperty("failureRate", out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out var rate)
            && rate is >= 0 and <= 1
            ? (rate, null)
            : (null, Message);
    }
}
