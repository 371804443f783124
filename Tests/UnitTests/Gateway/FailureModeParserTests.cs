using System.Text;
using CircuitDemo.FailureModes;

namespace CircuitDemo.UnitTests.Gateway;

/// <summary>
/// The failure-mode body read strictly (docs/contract.md, "2. The stub services"): every mode with its defaults and its
/// range, and anything else an error that names what was wrong, so the mode stays as it was.
/// </summary>
public sealed class FailureModeParserTests
{
    public static TheoryData<string, FailureMode> ValidBodies => new()
    {
        { """{"mode":"none"}""", FailureMode.None },
        { """{"mode":"error"}""", new FailureMode(FailureKind.Error, StatusCode: 500) },
        { """{"mode":"error","statusCode":503}""", new FailureMode(FailureKind.Error, StatusCode: 503) },
        { """{"mode":"slow","delayMs":3000}""", new FailureMode(FailureKind.Slow, DelayMs: 3000) },
        { """{"mode":"slow","delayMs":1000,"rate":0.03}""", new FailureMode(FailureKind.Slow, DelayMs: 1000, Rate: 0.03) },
        {
            """{"mode":"capacity","concurrency":2,"serviceTimeMs":20,"queueTimeoutMs":300}""",
            new FailureMode(FailureKind.Capacity, Concurrency: 2, ServiceTimeMs: 20, QueueTimeoutMs: 300)
        },
        { """{"mode":"flaky","failureRate":0.25}""", new FailureMode(FailureKind.Flaky, FailureRate: 0.25) },
        { """{"mode":"busy","statusCode":429,"retryAfterSeconds":7}""", new FailureMode(FailureKind.Busy, StatusCode: 429, RetryAfterSeconds: 7) },
    };

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"mode":"meltdown"}""", "meltdown" },
        { """{"mode":"error","statusCode":404}""", "statusCode" },
        { """{"mode":"error","statusCode":"500"}""", "statusCode" },
        { """{"mode":"slow","delayMs":120001}""", "delayMs" },
        { """{"mode":"flaky","failureRate":1.5}""", "failureRate" },
        { """{"mode":"slow","delayMs":1000,"rate":1.5}""", "rate" },
        { """{"mode":"capacity","serviceTimeMs":20,"queueTimeoutMs":300}""", "concurrency" },
        { """{"mode":"capacity","concurrency":0,"serviceTimeMs":20,"queueTimeoutMs":300}""", "concurrency" },
        { """{"mode":"capacity","concurrency":2,"queueTimeoutMs":300}""", "serviceTimeMs" },
        { """{"mode":"capacity","concurrency":2,"serviceTimeMs":20,"queueTimeoutMs":-1}""", "queueTimeoutMs" },
        { """{"mode":"huge","sizeBytes":1000000001}""", "sizeBytes" },
        { """[{"mode":"none"}]""", "JSON object" },
        { """{"mode":"none"} {"mode":"hang"}""", "not valid JSON" },
        { """{"mode":""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void ValidBody_IsTheModeWithItsDefaults(string body, FailureMode expected)
    {
        var (mode, error) = FailureModeParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(error);
        Assert.Equal(expected, mode);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void InvalidBody_IsAnErrorNamingWhatIsWrong_AndNoMode(string body, string named)
    {
        var (mode, error) = FailureModeParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(mode);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
