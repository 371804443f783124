using System.Net;

namespace CircuitDemo.UnitTests.Support;

/// <summary>The innermost handler of a test pipeline: answers from a script, counts calls, no network.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int _calls;

    public StubHandler(HttpStatusCode status)
        : this((_, _) => Task.FromResult(new HttpResponseMessage(status)))
    {
    }

    public int Calls => Volatile.Read(ref _calls);

    public List<string> Hosts { get; } = [];

    /// <summary>Where each request went, as scheme, host and port: the endpoint the pipeline chose.</summary>
    public List<string> Addresses { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        lock (Hosts)
        {
            Hosts.Add(request.RequestUri!.Host);
            Addresses.Add(request.RequestUri.GetLeftPart(UriPartial.Authority));
        }

        return respond(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
