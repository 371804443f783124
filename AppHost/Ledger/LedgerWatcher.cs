using System.Net.Http.Json;
using CircuitDemo.Contracts;
using Microsoft.Extensions.Hosting;

namespace CircuitDemo.AppHost.Ledger;

/// <summary>
/// Reads <c>GET /ledger</c> from the first payment-service instance that answers, every two seconds, and shows it on the
/// ledger's row: the payments it holds as the row's state, the store and where it is as properties. A store that cannot
/// be used reads "Unavailable".
/// </summary>
internal sealed class LedgerWatcher(
    WatchedLedger ledger, IEnumerable<LedgerReader> readers, ResourceNotificationService notifications, TimeProvider time)
    : BackgroundService
{
    public const string WaitingState = "Waiting";
    public const string StoreProperty = "Store";
    public const string LocationProperty = "Location";
    public const string PaymentsProperty = "Payments";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? shown = null;
        using var ticks = new PeriodicTimer(Interval, time);
        do
        {
            var (state, style, view) = await ReadAsync(stoppingToken);
            if (state == shown)
            {
                continue;
            }

            shown = state;
            await notifications.PublishUpdateAsync(ledger.Row, snapshot => snapshot with
            {
                State = new ResourceStateSnapshot(state, style),
                Properties = snapshot.Properties
                    .With(StoreProperty, view?.Store ?? ledger.Row.Store)
                    .With(LocationProperty, view?.Location ?? ledger.Row.Location)
                    .With(PaymentsProperty, view?.Payments.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"),
            });
        }
        while (await ticks.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<(string State, string Style, LedgerView? View)> ReadAsync(CancellationToken stoppingToken)
    {
        var unavailable = false;
        foreach (var reader in readers)
        {
            if (reader.Instance.GetEndpoint("http") is not { IsAllocated: true } endpoint)
            {
                continue;
            }

            try
            {
                using var response = await Http.GetAsync($"{endpoint.Url}{Paths.Ledger}", stoppingToken);
                if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<LedgerView>(stoppingToken) is { } view)
                {
                    return (view.Payments == 1 ? "1 payment" : $"{view.Payments} payments", KnownResourceStateStyles.Success, view);
                }

                unavailable = true; // the instance answers, its store does not
            }
            catch (Exception exception) when (
                exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                && !stoppingToken.IsCancellationRequested)
            {
                // Starting or stopped: ask the next instance.
            }
        }

        return unavailable ? ("Unavailable", KnownResourceStateStyles.Error, null) : (WaitingState, KnownResourceStateStyles.Info, null);
    }
}
