using System.Net.ServerSentEvents;

namespace CircuitDemo.IntegrationTests;

/// <summary>What the tests of a gateway run as a plain process share: its services' addresses and its stream.</summary>
internal static class PlainGateway
{
    /// <summary>Every stub service at <paramref name="every"/>, and the given settings, as the gateway's environment.</summary>
    public static Dictionary<string, string> Services(Uri every, params (string Name, string Value)[] settings)
    {
        var environment = ServiceNames.Stubs.ToDictionary(service => $"services__{service}__http__0", _ => every.ToString());
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>A loopback address where nothing listens: a call there is refused at once.</summary>
    public static Uri Nowhere() => new($"http://127.0.0.1:{FreePorts.Next()}");

    /// <summary>The stream at <paramref name="path"/>, open, its snapshot read.</summary>
    public static async Task<OpenStream> OpenStreamAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
        Assert.Equal(CircuitBreakerStream.Snapshot, (await NextEventAsync(events))?.EventType);
        return new OpenStream(response, events);
    }

    /// <summary>The stream's next event within a test step; null when it ended.</summary>
    public static async Task<SseItem<string>?> NextEventAsync(IAsyncEnumerator<SseItem<string>> events) =>
        await events.MoveNextAsync().AsTask().WaitAsync(TestTimeouts.Step) ? events.Current : null;

    /// <summary>An open stream and its events; disposing it closes the stream.</summary>
    public sealed record OpenStream(HttpResponseMessage Response, IAsyncEnumerator<SseItem<string>> Events) : IDisposable
    {
        public void Dispose() => Response.Dispose();
    }
}
