using System.Text.Json.Serialization;

namespace CircuitDemo.ServiceDefaults.FailureInjection;

/// <summary>How a stub service misbehaves on each business request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailureKind>))]
public enum FailureKind
{
    /// <summary>Normal answers.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>Answers <see cref="FailureMode.StatusCode"/> with a ProblemDetails body.</summary>
    [JsonStringEnumMemberName("error")] Error,

    /// <summary>Answers normally after <see cref="FailureMode.DelayMs"/>.</summary>
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
}

/// <summary>The current failure mode of a stub service, as <c>GET /failure-mode</c> shows it.</summary>
public sealed record FailureMode(
    FailureKind Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatusCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DelayMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? FailureRate = null)
{
    /// <summary>Normal operation.</summary>
    public static readonly FailureMode None = new(FailureKind.None);

    /// <summary>How long a hanging request is held before its connection is aborted.</summary>
    public static readonly TimeSpan MaxHang = TimeSpan.FromMinutes(5);
}
