using System.Net;
using CircuitDemo.ServiceDefaults.CircuitBreaking;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.CircuitBreaking;

public class OutcomeClassifierTests
{
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, CallOutcome.Failure)]
    [InlineData(HttpStatusCode.BadGateway, CallOutcome.Failure)]
    [InlineData(HttpStatusCode.ServiceUnavailable, CallOutcome.Failure)]
    [InlineData((HttpStatusCode)599, CallOutcome.Failure)]
    [InlineData(HttpStatusCode.RequestTimeout, CallOutcome.Failure)]
    [InlineData(HttpStatusCode.TooManyRequests, CallOutcome.Failure)]
    [InlineData(HttpStatusCode.OK, CallOutcome.Success)]
    [InlineData(HttpStatusCode.Created, CallOutcome.Success)]
    [InlineData(HttpStatusCode.BadRequest, CallOutcome.Success)]
    [InlineData(HttpStatusCode.Unauthorized, CallOutcome.Success)]
    [InlineData(HttpStatusCode.NotFound, CallOutcome.Success)]
    public void Classify_StatusCode(HttpStatusCode status, CallOutcome expected) =>
        Assert.Equal(expected, HttpOutcomeClassifier.Classify(status));

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
