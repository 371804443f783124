using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.CircuitBreaking;

public class OutcomeClassifierTests
{
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData((HttpStatusCode)599, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.Created, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void Classify_StatusCode(HttpStatusCode status, bool isFailure) =>
        Assert.Equal(isFailure ? CallOutcome.Failure : CallOutcome.Success, HttpOutcomeClassifier.Classify(status));

    [Fact]
    public void Classify_HttpRequestException_IsFailure() =>
        Assert.Equal(CallOutcome.Failure, OutcomeClassifier.Classify(new HttpRequestException("refused"), CancellationToken.None));

    [Fact]
    public void Classify_AttemptTimeout_IsFailure() =>
        Assert.Equal(CallOutcome.Failure, OutcomeClassifier.Classify(new TimeoutRejectedException(), CancellationToken.None));

    [Fact]
    public void Classify_CancelledByCaller_IsNeither()
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.Equal(CallOutcome.Cancelled, OutcomeClassifier.Classify(new TaskCanceledException(), caller.Token));
    }

    [Fact]
    public void Classify_OrdinaryExceptionWhileTheCallerHasCancelled_IsFailure()
    {
        // The caller cancelling does not make every exception its cancellation: the call failed on its own.
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.Equal(CallOutcome.Failure, OutcomeClassifier.Classify(new HttpRequestException("refused"), caller.Token));
        Assert.Equal(CallOutcome.Failure, OutcomeClassifier.Classify(new TimeoutRejectedException(), caller.Token));
    }

    [Fact]
    public void Classify_CancellationNotAskedForByCaller_IsFailure() =>
        Assert.Equal(CallOutcome.Failure, OutcomeClassifier.Classify(new TaskCanceledException(), CancellationToken.None));
}
