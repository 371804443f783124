using System.Text.Json.Serialization;

namespace CircuitDemo.Contracts;

/// <summary>How a stub service misbehaves on each business request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailureKind>))]
public enum FailureKind
{
    /// <summary>Normal answers.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Answers <see cref="FailureMode.StatusCode"/> (500 to 599) with a ProblemDetails body.</summary>
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>
    /// Answers normally after <see cref="FailureMode.DelayMs"/>; with <see cref="FailureMode.Rate"/>, only that share of
    /// requests is delayed (the tail every instance has a little of) and the rest answered at once.
    /// </summary>
    [JsonStringEnumMemberName("slow")] Slow,

    /// <summary>Never answers until the client gives up (at most five minutes, then the connection is aborted).</summary>
    [JsonStringEnumMemberName("hang")] Hang,

    /// <summary>
    /// Fails with 500 at probability <see cref="FailureMode.FailureRate"/>. A failed read is never executed; a failed
    /// write is executed and then its answer replaced by the 500, as when a response is lost on the way back.
    /// </summary>
    [JsonStringEnumMemberName("flaky")] Flaky,

    /// <summary>Aborts the connection without a response, as a crashed process would.</summary>
    [JsonStringEnumMemberName("down")] Down,

    /// <summary>Sends the <c>200</c> headers and part of the body, then nothing until the client gives up (at most five minutes).</summary>
    [JsonStringEnumMemberName("stall")] Stall,

    /// <summary>Sends the correct body a few bytes at a time, spread over <see cref="FailureMode.DurationMs"/>.</summary>
    [JsonStringEnumMemberName("trickle")] Trickle,

    /// <summary>Sends the <c>200</c> headers and part of the body, then resets the connection, as a proxy cutting it would.</summary>
    [JsonStringEnumMemberName("cut")] Cut,

    /// <summary>Answers <c>200</c> with a body the caller cannot use: see <see cref="FailureMode.Body"/>.</summary>
    [JsonStringEnumMemberName("garbage")] Garbage,

    /// <summary>
    /// Answers <see cref="FailureMode.StatusCode"/> (429 or 503) with <c>Retry-After: </c><see
    /// cref="FailureMode.RetryAfterSeconds"/>.
    /// </summary>
    [JsonStringEnumMemberName("busy")] Busy,

    /// <summary>Answers <c>200</c> with a streamed body of <see cref="FailureMode.SizeBytes"/> (up to 1 GB).</summary>
    [JsonStringEnumMemberName("huge")] Huge,

    /// <summary>
    /// A saturated server: at most <see cref="FailureMode.Concurrency"/> requests served at once, each taking <see
    /// cref="FailureMode.ServiceTimeMs"/>; the rest wait in a queue, and one that waited longer than <see
    /// cref="FailureMode.QueueTimeoutMs"/> is answered 503.
    /// </summary>
    [JsonStringEnumMemberName("capacity")] Capacity,
}

/// <summary>Which unusable body the <c>garbage</c> mode sends.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GarbageBody>))]
public enum GarbageBody
{
    /// <summary>Either of the two, picked at random for each request.</summary>
    [JsonStringEnumMemberName("random")] Random,

    /// <summary>An HTML error page, as a load balancer in front of a dead service serves.</summary>
    [JsonStringEnumMemberName("html")] Html,

    /// <summary>JSON of another shape: <c>{"status":"degraded","items":null}</c>.</summary>
    [JsonStringEnumMemberName("json")] Json,
}

/// <summary>The failure mode of a stub service: the body of <c>PUT /failure-mode</c> and the answer of <c>GET /failure-mode</c>.</summary>
public sealed record FailureMode(
    FailureKind Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatusCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DelayMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? FailureRate = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DurationMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfterSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SizeBytes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GarbageBody? Body = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Rate = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Concurrency = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ServiceTimeMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueueTimeoutMs = null)
{
    /// <summary>Normal operation.</summary>
    public static readonly FailureMode None = new(FailureKind.None);

    /// <summary>How long a hanging or stalled request is held before its connection is aborted.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(5);
}

/// <summary>What <c>GET /stats</c> answers: how many business requests reached the service.</summary>
public sealed record ServiceStats(long BusinessRequests);
