using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Overload;

/// <summary>
/// The retry budget (docs/pattern.md, "Overload: the retry budget and the concurrency limit"): retries may add at most
/// a share of the requests of the window, plus a floor a second; a refused retry is counted.
/// </summary>
public sealed class RetryBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void WithNoTraffic_TheFloorAllowsMinRetriesPerSecond_TimesTheWindow_AndNoMore()
    {
        var budget = Budget(percent: 20, window: TimeSpan.FromSeconds(10), minPerSecond: 2);

        Assert.Equal(20, budget.AllowedNow);
        Assert.Equal(20, WithdrawAll(budget));
        Assert.False(budget.TryWithdraw());
        Assert.Equal(2, budget.Refused); // the one that ended WithdrawAll, and this one
    }

    [Fact]
    public void EveryRequest_AddsItsShare_SoRetriesStayWithinThePercentOfTheRequests()
    {
        var budget = Budget(percent: 20, window: TimeSpan.FromSeconds(10), minPerSecond: 0);

        Deposit(budget, 1000);

        Assert.Equal(200, budget.AllowedNow);
        Assert.Equal(200, WithdrawAll(budget));
    }

    [Fact]
    public void RequestsAndRetries_OlderThanTheWindow_AreForgotten()
    {
        var budget = Budget(percent: 20, window: TimeSpan.FromSeconds(10), minPerSecond: 0);
        Deposit(budget, 1000);
        Assert.Equal(100, Withdraw(budget, 100));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(100, budget.AllowedNow); // within the window: 200 allowed, 100 spent

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, budget.AllowedNow); // the requests and the retries, both gone
    }

    [Fact]
    public void ARetryOfTheWindow_StillCounts_UntilItsSliceIsOlderThanTheWindow()
    {
        var budget = Budget(percent: 0, window: TimeSpan.FromSeconds(10), minPerSecond: 1);
        Assert.Equal(10, WithdrawAll(budget));

        _time.Advance(TimeSpan.FromSeconds(9.5));
        Assert.False(budget.TryWithdraw());

        _time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(10, budget.AllowedNow);
    }

    [Fact]
    public void ARefusal_SpendsNothing()
    {
        var budget = Budget(percent: 50, window: TimeSpan.FromSeconds(10), minPerSecond: 0);
        Deposit(budget, 4);
        Assert.Equal(2, WithdrawAll(budget));
        Assert.False(budget.TryWithdraw());
        Assert.False(budget.TryWithdraw());

        Deposit(budget, 2);

        Assert.True(budget.TryWithdraw());
        Assert.Equal(3, budget.Refused);
    }

    [Fact]
    public void ConcurrentRetries_NeverSpendMoreThanTheBudget()
    {
        var budget = Budget(percent: 10, window: TimeSpan.FromSeconds(10), minPerSecond: 0);
        Deposit(budget, 10_000);
        var paid = 0;

        Parallel.For(0, 4000, _ =>
        {
            if (budget.TryWithdraw())
            {
                Interlocked.Increment(ref paid);
            }
        });

        Assert.Equal(1000, paid);
        Assert.Equal(3000, budget.Refused);
    }

    private RetryBudget Budget(double percent, TimeSpan window, double minPerSecond) => new(
        new RetryBudgetOptions { RetryBudgetPercent = percent, RetryBudgetWindow = window, MinRetriesPerSecond = minPerSecond }, _time);

    private static void Deposit(RetryBudget budget, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            budget.Deposit();
        }
    }

    private static int Withdraw(RetryBudget budget, int retries) => Enumerable.Range(0, retries).Count(_ => budget.TryWithdraw());

    private static int WithdrawAll(RetryBudget budget)
    {
        var paid = 0;
        while (budget.TryWithdraw())
        {
            paid++;
        }

        return paid;
    }
}
