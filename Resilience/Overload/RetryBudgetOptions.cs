using System.ComponentModel.DataAnnotations;
using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Overload;

/// <summary>
/// How much a dependency's retries (and hedges) may add to its load, as Finagle's <c>RetryBudget</c> and Linkerd's
/// retry budget bound it: at most <see cref="RetryBudgetPercent"/> of the requests of the last <see
/// cref="RetryBudgetWindow"/>, plus <see cref="MinRetriesPerSecond"/> a second so that a quiet dependency can still be
/// retried. Read by <see cref="RetryBudget"/>.
/// </summary>
public sealed record RetryBudgetOptions
{
    /// <summary>Retries may add at most this share (in percent) to the requests of the window. Default 20; 0 to 100.</summary>
    [Range(0, 100)]
    public double RetryBudgetPercent { get; set; } = 20;

    /// <summary>The window the requests and retries are counted over. Default 10 s; 1 s to 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryBudgetWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries allowed a second whatever the traffic (the floor). Default 10; 0 to 100000.</summary>
    [Range(0, 100_000)]
    public double MinRetriesPerSecond { get; set; } = 10;

    /// <summary>The options as a budget reads them: a share from 0 to 1.</summary>
    internal double Ratio => RetryBudgetPercent / 100;
}
