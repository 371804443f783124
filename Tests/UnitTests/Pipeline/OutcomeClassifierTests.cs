using System.Net;
using Polly;
using Polly.Timeout;

namespace CircuitDemo.UnitTests.Pipeline;

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

    public static TheoryData<Exception, CallFailure> Failures => new()
    {
        { new CircuitBreakerRejectedException("payment-service", CircuitState.Open, TimeSpan.FromSeconds(3)), CallFailure.Rejected },
        { new TimeoutRejectedException(), CallFailure.TimedOut },
        { new TaskCanceledException(), CallFailure.TimedOut },
        { new HttpRequestException("refused", null, statusCode: null), CallFailure.Unreachable },
        { new HttpRequestException("answered 503", null, HttpStatusCode.ServiceUnavailable), CallFailure.BadAnswer },
        { UnusableResponseException.NotJson(new HttpResponseMessage(HttpStatusCode.OK), "an HTML page"), CallFailure.BadAnswer },
        { new InvalidOperationException("a defect"), CallFailure.Unexpected },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void FailureOf_NamesHowTheCallFailed(Exception exception, CallFailure expected) =>
        Assert.Equal(expected, CircuitBreakingExtensions.FailureOf(exception));

    public static TheoryData<Exception, bool> RetriedExceptions => new()
    {
        { new HttpRequestException("refused"), true },
        { UnusableResponseException.NotJson(new HttpResponseMessage(HttpStatusCode.OK), "an HTML page"), true },
        { new InvalidOperationException("a defect"), true },
        { new CircuitBreakerRejectedException("payment-service", CircuitState.Open, null), false },
        { new TimeoutRejectedException(), false },
        { new TaskCanceledException(), false },
    };

    [Theory]
    [MemberData(nameof(RetriedExceptions))]
    public void IsRetriable_FailedFast_OnlyThen(Exception exception, bool retried) =>
        Assert.Equal(retried, HttpOutcomeClassifier.IsRetriable(Outcome.FromException<HttpResponseMessage>(exception), CancellationToken.None));

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void IsRetriable_Answer_ByTheBreakersVerdict(HttpStatusCode status, bool retried)
    {
        using var response = new HttpResponseMessage(status);
        Assert.Equal(retried, HttpOutcomeClassifier.IsRetriable(Outcome.FromResult(response), CancellationToken.None));
    }

    [Fact]
    public void IsRetriable_CancelledByCaller_No()
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.False(HttpOutcomeClassifier.IsRetriable(Outcome.FromException<HttpResponseMessage>(new TaskCanceledException()), caller.Token));
    }
}
