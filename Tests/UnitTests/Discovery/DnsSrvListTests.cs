using System.Net;
using CircuitDemo.Resilience.Discovery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Discovery;

/// <summary>
/// DNS discovery's list of a record, on a fake clock with a scripted DNS: it outlives the providers service discovery
/// disposes when idle (the next one has the last good list at once, whatever DNS does then), and an exception of any
/// kind from a lookup keeps the list, is logged with its type, and the refresh loop goes on.
/// </summary>
public sealed class DnsSrvListTests : IAsyncDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeLogCollector _logs;
    private readonly SemaphoreSlim _kept = new(0); // released for each "keeping the last good list" line, as it is logged
    private readonly DnsSrvEndpointProviderFactory _factory;
    // Each question to DNS, answered by the test; what the list makes of an answer is awaited as an event (the log line
    // of a failed lookup, the change token of a new list): the loop may handle it on its own thread.
    private readonly System.Threading.Channels.Channel<TaskCompletionSource<IReadOnlyList<SrvLookup.Pod>>> _questions =
        System.Threading.Channels.Channel.CreateUnbounded<TaskCompletionSource<IReadOnlyList<SrvLookup.Pod>>>();

    public DnsSrvListTests()
    {
        _logs = FakeLogCollector.Create(new FakeLogCollectorOptions
        {
            OutputSink = line =>
            {
                if (line.Contains("keeping the last good list", StringComparison.Ordinal))
                {
                    _kept.Release();
                }
            },
        });
        _factory = new DnsSrvEndpointProviderFactory(
            Options.Create(new DnsDiscoveryOptions { Enabled = true, RefreshPeriod = Refresh }), _clock, LoggerFactory.Create(logging => logging.AddProvider(new FakeLoggerProvider(_logs))))
        {
            Resolve = (_, _) =>
            {
                var question = new TaskCompletionSource<IReadOnlyList<SrvLookup.Pod>>();
                _questions.Writer.TryWrite(question);
                return question.Task;
            },
        };
    }

    [Fact]
    public async Task ProviderDisposedWhenIdle_TheNextHasTheLastGoodListAtOnce_WhileDnsNowFails()
    {
        var first = Provider();
        var populated = PopulateAsync(first);
        (await NextQuestionAsync()).SetResult(Pods(2));
        Assert.Equal(2, (await populated).Count);
        await first.DisposeAsync(); // what service discovery does to an idle watcher's providers

        _clock.Advance(Refresh);
        (await NextQuestionAsync()).SetException(new DnsClient.DnsResponseException("timed out"));
        Assert.True(await _kept.WaitAsync(TimeSpan.FromSeconds(10)), "the failed lookup was not handled");

        Assert.Equal(2, (await PopulateAsync(Provider())).Count);
    }

    [Fact]
    public async Task AnyExceptionFromALookup_KeepsTheList_IsLoggedWithItsType_AndTheLoopGoesOn()
    {
        var provider = Provider();
        var populated = PopulateAsync(provider);
        (await NextQuestionAsync()).SetResult(Pods(2));
        Assert.Equal(2, (await populated).Count);

        _clock.Advance(Refresh);
        (await NextQuestionAsync()).SetException(new InvalidOperationException("an odd SRV target"));
        Assert.True(await _kept.WaitAsync(TimeSpan.FromSeconds(10)), "the failed lookup was not handled");
        Assert.Contains(_logs.GetSnapshot(), r => r.Message.Contains("InvalidOperationException: an odd SRV target", StringComparison.Ordinal));
        Assert.Equal(2, (await PopulateAsync(provider)).Count);

        var changed = new TaskCompletionSource();
        var builder = new Builder();
        await provider.PopulateAsync(builder, CancellationToken.None);
        using var _ = builder.ChangeTokens.Single().RegisterChangeCallback(_ => changed.TrySetResult(), null);
        _clock.Advance(Refresh);
        (await NextQuestionAsync()).SetResult(Pods(3));
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, (await PopulateAsync(provider)).Count);
    }

    [Fact]
    public async Task DisposedTwice_TheSecondDoesNothing()
    {
        var populated = PopulateAsync(Provider());
        (await NextQuestionAsync()).SetResult(Pods(1));
        await populated;

        await _factory.DisposeAsync();
        await _factory.DisposeAsync();
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private IServiceEndpointProvider Provider()
    {
        Assert.True(ServiceEndpointQuery.TryParse("http://payment-service", out var query));
        Assert.True(_factory.TryCreateProvider(query!, out var provider));
        return provider!;
    }

    private static async Task<IList<ServiceEndpoint>> PopulateAsync(IServiceEndpointProvider provider)
    {
        var builder = new Builder();
        await provider.PopulateAsync(builder, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return builder.Endpoints;
    }

    // The loop asks once the clock ticks, on the thread pool: the question arrives as an event, bounded in time.
    private async Task<TaskCompletionSource<IReadOnlyList<SrvLookup.Pod>>> NextQuestionAsync() =>
        await _questions.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    private static IReadOnlyList<SrvLookup.Pod> Pods(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SrvLookup.Pod($"payment-service-{i}.payment-service", 8080, [IPAddress.Parse($"10.0.0.{i + 1}")]))];

    private sealed class Builder : IServiceEndpointBuilder
    {
        public IList<ServiceEndpoint> Endpoints { get; } = [];

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public List<IChangeToken> ChangeTokens { get; } = [];

        public void AddChangeToken(IChangeToken changeToken) => ChangeTokens.Add(changeToken);
    }
}
