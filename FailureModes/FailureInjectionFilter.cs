using System.Threading.RateLimiting;
using CircuitDemo.Contracts;
using Microsoft.AspNetCore.Http;

namespace CircuitDemo.FailureModes;

/// <summary>Applies the current failure mode to a business endpoint; never installed on health or control endpoints.</summary>
internal sealed class FailureInjectionFilter(FailureModeState state, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        state.CountBusinessRequest();
        var mode = state.Current;
        var capacity = state.Capacity;
        var http = context.HttpContext;
        switch (mode.Mode)
        {
            case FailureKind.Error:
                return InjectedProblem(mode.StatusCode ?? StatusCodes.Status500InternalServerError, "error mode");
            case FailureKind.Flaky when Random.Shared.NextDouble() < mode.FailureRate:
                if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                {
                    // A write fails the nasty way: applied, but the answer lost. Only an idempotent retry is safe.
                    await next(context);
                }

                return InjectedProblem(StatusCodes.Status500InternalServerError, $"flaky mode ({mode.FailureRate:0.##})");
            case FailureKind.Slow when mode.Rate is not { } rate || Random.Shared.NextDouble() < rate:
                await Task.Delay(TimeSpan.FromMilliseconds(mode.DelayMs ?? 0), time, http.RequestAborted);
                break;
            case FailureKind.Capacity when capacity is not null:
                return await ServeWithinCapacityAsync(context, next, mode, capacity);
            case FailureKind.Hang:
                await BrokenAnswers.HoldAsync(http, time);
                return Results.Empty;
            case FailureKind.Down:
                http.Abort();
                return Results.Empty;
            case FailureKind.Busy:
                http.Response.Headers.RetryAfter = mode.RetryAfterSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return InjectedProblem(
                    mode.StatusCode ?? StatusCodes.Status503ServiceUnavailable, $"busy mode (Retry-After: {mode.RetryAfterSeconds} s)");
            case FailureKind.Garbage:
                return BrokenAnswers.Garbage(mode.Body ?? GarbageBody.Random);
            case FailureKind.Huge:
                await BrokenAnswers.HugeAsync(http, mode.SizeBytes ?? 0);
                return Results.Empty;
            case FailureKind.Stall or FailureKind.Trickle or FailureKind.Cut:
                // The real answer (a write is applied), then delivered broken, as a failing network or proxy would.
                var answer = await CapturedAnswer.CaptureAsync(http, await next(context));
                await (mode.Mode switch
                {
                    FailureKind.Stall => BrokenAnswers.StallAsync(http, answer, time),
                    FailureKind.Trickle => BrokenAnswers.TrickleAsync(http, answer, TimeSpan.FromMilliseconds(mode.DurationMs ?? 0), time),
                    _ => BrokenAnswers.CutAsync(http, answer, time),
                });
                return Results.Empty;
        }

        return await next(context);
    }

    // A saturated server: the request waits its turn for one of the mode's permits, at most its queue timeout (then 503,
    // as a server whose accept queue is full answers), and holds the permit for the service time and the real answer.
    private async ValueTask<object?> ServeWithinCapacityAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, FailureMode mode, ConcurrencyLimiter capacity)
    {
        var http = context.HttpContext;
        using var queueTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(mode.QueueTimeoutMs ?? 0), time);
        using var queued = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, queueTimeout.Token);
        RateLimitLease permit;
        try
        {
            permit = await capacity.AcquireAsync(1, queued.Token);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return InjectedProblem(StatusCodes.Status503ServiceUnavailable, $"capacity mode (queued over {mode.QueueTimeoutMs} ms)");
        }

        using (permit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(mode.ServiceTimeMs ?? 0), time, http.RequestAborted);
            return await next(context);
        }
    }

    private static IResult InjectedProblem(int statusCode, string why) => TypedResults.Problem(
        statusCode: statusCode,
        title: "Injected failure",
        detail: $"This service is in {why}; reset it with DELETE /failure-mode.");
}
