using System.Net.Sockets;
using System.Text;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// A loopback HTTP server that a test fully controls, for a service behaving as no stub service can be told to: it
/// answers every request after <c>delay</c> with a valid body of the stub contract for its path (a payment for a POST), or, with a null
/// delay, accepts the connection and never answers. Stopped with the test.
/// </summary>
internal sealed class FakeService : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan? _delay;
    private readonly Task _accepting;

    public FakeService(TimeSpan? delay)
    {
        _delay = delay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (method, path) = await ReadRequestLineAsync(stream);
                if (_delay is not { } delay)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }

                await Task.Delay(delay, _stop.Token);
                var body = Encoding.UTF8.GetBytes(BodyFor(method, path));
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
            {
                // The test is over, or the client gave up.
            }
        }
    }

    private static string BodyFor(string method, string path)
    {
        var id = path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "0";
        return method == "POST" ? """{"id":"pay-fake","amount":10,"currency":"EUR","status":"completed"}"""
            : path.StartsWith("/users/", StringComparison.Ordinal) ? $$"""{"id":"{{id}}","name":"Fake","email":"fake@example.com"}"""
            : path.StartsWith("/orders/", StringComparison.Ordinal) ? $$"""{"userId":"{{id}}","orders":[]}"""
            : $$"""{"userId":"{{id}}","payments":[]}""";
    }

    // The request line and headers (a POST's small body is left unread: the answer closes the connection).
    private async Task<(string Method, string Path)> ReadRequestLineAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString().Split(' ') is [var method, var path, ..] ? (method, path) : ("GET", "/");
    }
}
