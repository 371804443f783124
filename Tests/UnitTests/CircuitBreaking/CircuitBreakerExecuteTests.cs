
namespace CircuitDemo.UnitTests.CircuitBreaking;

public class CircuitBreakerExecuteTests
{
    [Fact]
    public async Task ExecuteAsync_Success_ReturnsResultAndCountsSuccess()
    {
        var (breaker, _) = TestBreakers.Create();

        var result = await breaker.ExecuteAsync(static (x, _) => ValueTask.FromResult(x * 2), 21);

        Assert.Equal(42, result);
        Assert.Equal(1, breaker.GetStatus().SuccessfulRequests);
    }

    [Fact]
    public async Task ExecuteAsync_Throws_CountsFailureAndRethrows()
    {
        var (breaker, _) = TestBreakers.Create(new CircuitBreakerOptions { FailureThreshold = 1 });

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            breaker.ExecuteAsync<int, int>(static (_, _) => throw new InvalidOperationException("boom"), 0).AsTask());

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task ExecuteAsync_Open_ThrowsRejectionWithoutRunning()
    {
        var (breaker, _) = TestBreakers.Create();
        breaker.Isolate();
        var ran = false;

        var rejected = await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() =>
            breaker.ExecuteAsync((_, _) => { ran = true; return ValueTask.FromResult(1); }, 0).AsTask());

        Assert.False(ran);
        Assert.Equal(CircuitState.Isolated, rejected.State);
    }

    [Fact]
    public async Task ExecuteAsync_CancelledByCaller_IsCountedApartNeverAsAFailure()
    {
        var (breaker, _) = TestBreakers.Create();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            breaker.ExecuteAsync(static (_, token) => ValueTask.FromCanceled<int>(token), 0, cancellation.Token).AsTask());

        var status = breaker.GetStatus();
        Assert.Equal((1L, 1L, 0L, 0L), (status.TotalRequests, status.CancelledRequests, status.SuccessfulRequests, status.FailedRequests));
    }
}
