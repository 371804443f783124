using System.Text.Json;
using CircuitDemo.Contracts;

namespace CircuitDemo.FailureModes;

/// <summary>
/// Reads the body of <c>PUT /failure-mode</c> strictly: the mode must be known, its numbers present, of the
/// right type and within range. Anything else is an error message for a 400, and the mode stays as it was.
/// </summary>
internal static class FailureModeParser
{
    /// <summary>The largest body accepted; a failure mode is a few dozen bytes.</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>The largest body the <c>huge</c> mode sends: 1 GB.</summary>
    public const long MaxHugeBytes = 1_000_000_000;

    private const string Modes = "none, error, slow, hang, flaky, down, stall, trickle, cut, garbage, busy, huge, capacity";

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
            return (null, $"'mode' is required: one of {Modes}.");
        }

        return modeElement.GetString() switch
        {
            "none" => (FailureMode.None, null),
            "hang" => (new FailureMode(FailureKind.Hang), null),
            "down" => (new FailureMode(FailureKind.Down), null),
            "stall" => (new FailureMode(FailureKind.Stall), null),
            "cut" => (new FailureMode(FailureKind.Cut), null),
            "error" => Read(
                Integer(body, "statusCode", 500, 599, defaultValue: 500), status => new FailureMode(FailureKind.Error, StatusCode: (int)status)),
            "slow" => Slow(body),
            "trickle" => Read(Integer(body, "durationMs", 0, 120_000), duration => new FailureMode(FailureKind.Trickle, DurationMs: (int)duration)),
            "huge" => Read(Integer(body, "sizeBytes", 1, MaxHugeBytes), size => new FailureMode(FailureKind.Huge, SizeBytes: size)),
            "flaky" => Read(Rate(body, "failureRate"), rate => new FailureMode(FailureKind.Flaky, FailureRate: rate)),
            "garbage" => Read(Garbage(body), kind => new FailureMode(FailureKind.Garbage, Body: kind)),
            "busy" => Busy(body),
            "capacity" => Capacity(body),
            var unknown => (null, $"Unknown mode '{unknown}': use one of {Modes}."),
        };
    }

    private static (FailureMode? Mode, string? Error) Busy(JsonElement body)
    {
        var (status, statusError) = Integer(body, "statusCode", 429, 503, defaultValue: 503);
        if (statusError is not null || status is not (429 or 503))
        {
            return (null, "'statusCode' must be 429 or 503 (default 503).");
        }

        return Read(Integer(body, "retryAfterSeconds", 0, 86_400), wait =>
            new FailureMode(FailureKind.Busy, StatusCode: (int)status, RetryAfterSeconds: (int)wait));
    }

    // The tail: with "rate", only that share of requests is delayed. Without it, every request (rate 1).
    private static (FailureMode? Mode, string? Error) Slow(JsonElement body)
    {
        var (delay, delayError) = Integer(body, "delayMs", 0, 120_000);
        if (delayError is not null)
        {
            return (null, delayError);
        }

        return body.TryGetProperty("rate", out _)
            ? Read(Rate(body, "rate"), rate => new FailureMode(FailureKind.Slow, DelayMs: (int)delay!, Rate: rate))
            : (new FailureMode(FailureKind.Slow, DelayMs: (int)delay!), null);
    }

    private static (FailureMode? Mode, string? Error) Capacity(JsonElement body)
    {
        var concurrency = Integer(body, "concurrency", 1, 10_000);
        var serviceTime = Integer(body, "serviceTimeMs", 0, 60_000);
        var queueTimeout = Integer(body, "queueTimeoutMs", 0, 120_000);
        var error = concurrency.Error ?? serviceTime.Error ?? queueTimeout.Error;
        return error is not null ? (null, error) : (new FailureMode(
            FailureKind.Capacity,
            Concurrency: (int)concurrency.Value!,
            ServiceTimeMs: (int)serviceTime.Value!,
            QueueTimeoutMs: (int)queueTimeout.Value!), null);
    }

    private static (FailureMode? Mode, string? Error) Read<T>((T? Value, string? Error) read, Func<T, FailureMode> mode) where T : struct =>
        read is (T value, null) ? (mode(value), null) : (null, read.Error);

    private static (long? Value, string? Error) Integer(JsonElement body, string name, long min, long max, long? defaultValue = null)
    {
        if (!body.TryGetProperty(name, out var element))
        {
            return defaultValue is { } value ? (value, null) : (null, $"'{name}' is required: an integer from {min} to {max}.");
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number) && number >= min && number <= max
            ? (number, null)
            : (null, $"'{name}' must be an integer from {min} to {max}.");
    }

    private static (double? Value, string? Error) Rate(JsonElement body, string name) =>
        body.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out var rate)
            && rate is >= 0 and <= 1
            ? (rate, null)
            : (null, $"'{name}' is required: a number from 0 to 1.");

    private static (GarbageBody? Value, string? Error) Garbage(JsonElement body)
    {
        if (!body.TryGetProperty("body", out var element))
        {
            return (GarbageBody.Random, null);
        }

        GarbageBody? kind = element.ValueKind != JsonValueKind.String ? null : element.GetString() switch
        {
            "random" => GarbageBody.Random,
            "html" => GarbageBody.Html,
            "json" => GarbageBody.Json,
            _ => null,
        };
        return kind is null ? (null, "'body' must be one of random, html, json (default random).") : (kind, null);
    }
}
