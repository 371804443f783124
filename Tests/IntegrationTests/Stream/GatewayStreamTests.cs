using System.Net.Sockets;
using System.Text;
using CircuitDemo.AppHost.BreakerRows;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.IntegrationTests.Stream;

/// <summary>The AppHost's reader of a gateway's stream notices a gateway that has gone silent, instead of waiting forever.</summary>
public sealed class GatewayStreamTests
{
    [Fact]
    public async Task Read_StreamFallsSilentAfterItsSnapshot_EndsWithATimeoutAfterTheSilenceLimit()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var frozen = new CancellationTokenSource();
        var server = FrozenGatewayAsync(listener, frozen.Token); // headers and a snapshot, then nothing, the connection kept open
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var items = new List<string?>();
        var snapshot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new FakeTimeProvider(); // the silence is the test's to make: no loaded machine can make it early

        var read = GatewayStream.ReadAsync(
            http,
            new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/circuit-breakers/stream"),
            silenceLimit: TimeSpan.FromMilliseconds(500),
            clock,
            item =>
            {
                items.Add(item.EventType);
                snapshot.TrySetResult();
                return Task.CompletedTask;
            },
            CancellationToken.None);
        await snapshot.Task.WaitAsync(TestTimeouts.Step);

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(read.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var silent = await Assert.ThrowsAsync<TimeoutException>(() => read.WaitAsync(TestTimeouts.Step));
        Assert.Contains("sent nothing for 0.5 s", silent.Message); // the reader's own verdict, not the test's bound
        Assert.Equal(["snapshot"], items);
        await frozen.CancelAsync();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Read_ItemsKeepComing_TheSilenceLimitRestartsWithEach()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = BeatingGatewayAsync(listener, beats: 20, every: TimeSpan.FromMilliseconds(200));
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var beats = 0;

        await GatewayStream.ReadAsync(
            http,
            new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/circuit-breakers/stream"),
            silenceLimit: TimeSpan.FromSeconds(3), // shorter than the twenty beats together, far longer than each gap
            TimeProvider.System,
            item =>
            {
                beats += item.EventType == "heartbeat" ? 1 : 0;
                return Task.CompletedTask;
            },
            CancellationToken.None).WaitAsync(TestTimeouts.Step);

        Assert.Equal(20, beats);
        await server;
    }

    private static async Task FrozenGatewayAsync(TcpListener listener, CancellationToken frozen)
    {
        using var client = await listener.AcceptTcpClientAsync();
        client.NoDelay = true;
        var stream = client.GetStream();
        await ReadHeadersAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"));
        await WriteChunkAsync(stream, "event: snapshot\ndata: {\"breakers\":[]}\n\n");
        await Task.Delay(TestTimeouts.Step, frozen);
    }

    private static async Task BeatingGatewayAsync(TcpListener listener, int beats, TimeSpan every)
    {
        using var client = await listener.AcceptTcpClientAsync();
        client.NoDelay = true;
        var stream = client.GetStream();
        await ReadHeadersAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (var i = 0; i < beats; i++)
        {
            await Task.Delay(every);
            await WriteChunkAsync(stream, "event: heartbeat\ndata: \"now\"\n\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes("0\r\n\r\n"));
    }

    private static async Task WriteChunkAsync(NetworkStream stream, string text) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(text):X}\r\n{text}\r\n"));

    private static async Task ReadHeadersAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
