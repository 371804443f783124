using System.Net.ServerSentEvents;

namespace CircuitDemo.AppHost.BreakerRows;

/// <summary>
/// Reads one gateway replica's <c>/circuit-breakers/stream</c>. The gateway sends a heartbeat after each
/// <see cref="Contracts.CircuitBreakerStream.HeartbeatInterval"/> of silence, so a stream that brings nothing for the
/// silence limit comes from a frozen or unreachable gateway: it ends with a <see cref="TimeoutException"/>, and the
/// caller reconnects instead of showing stale rows for good.
/// </summary>
internal static class GatewayStream
{
    public static async Task ReadAsync(
        HttpClient http, Uri url, TimeSpan silenceLimit, TimeProvider time, Func<SseItem<string>, Task> apply, CancellationToken stop)
    {
        using var silence = new CancellationTokenSource();
        using var watchdog = time.CreateTimer(
            static state => ((CancellationTokenSource)state!).Cancel(), silence, silenceLimit, Timeout.InfiniteTimeSpan);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stop, silence.Token);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, reading.Token);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(reading.Token);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(reading.Token))
            {
                watchdog.Change(silenceLimit, Timeout.InfiniteTimeSpan);
                await apply(item);
            }
        }
        catch (OperationCanceledException) when (silence.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            throw new TimeoutException($"{url} sent nothing for {silenceLimit.TotalSeconds:0.#} s, not even a heartbeat.");
        }
    }
}
