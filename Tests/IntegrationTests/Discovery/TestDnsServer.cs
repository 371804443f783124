using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace CircuitDemo.IntegrationTests.Discovery;

/// <summary>
/// A DNS server over UDP on a loopback port, for the gateway to find pods by, as a headless Service's DNS lists them:
/// the SRV records of <c>_http._tcp.{service}</c> (each pod's name and port), with the pods' A records in the
/// answer's additional section, and the A record of each pod's name when asked. Any other name does not exist. What
/// it lists is set by the test (<see cref="List"/>) and changes at once.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1, TypeAaaa = 28, TypeSrv = 33, ClassIn = 1;
    private const uint Ttl = 5;

    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private volatile Dictionary<string, Pod[]> _services = [];
    private volatile string? _onlyZone;
    private volatile bool _silent;
    private long _lateTicks;

    public TestDnsServer() => _serving = ServeAsync();

    /// <summary>
    /// A pod: its DNS name (<c>payment-service-0.payment-service.test.svc.cluster.local</c>; <c>.</c> for RFC 2782's "not
    /// here") and where it listens; its SRV record's priority and weight; an IPv6 address too when it is dual-stack.
    /// </summary>
    public sealed record Pod(string Name, IPEndPoint Address, ushort Priority = 0, ushort Weight = 0, IPAddress? Ipv6 = null);

    /// <summary>Where the server listens, as <c>ServiceDiscovery:Dns:NameServer</c> takes it.</summary>
    public string NameServer => ((IPEndPoint)_udp.Client.LocalEndPoint!).ToString();

    /// <summary>How many questions the server has answered.</summary>
    public int Answered => _answered;

    private int _answered;

    /// <summary>From now on, <c>_http._tcp.{service}</c> lists exactly <paramref name="pods"/>.</summary>
    public void List(string service, IEnumerable<Pod> pods) =>
        _services = new Dictionary<string, Pod[]>(_services) { [$"_http._tcp.{service}"] = [.. pods] };

    /// <summary>From now on, a question for any name outside <paramref name="zone"/> is answered SERVFAIL, as an upstream that cannot be reached is.</summary>
    public void FailOutside(string zone) => _onlyZone = zone;

    /// <summary>From now on, no question is answered, as a server that is down or cut off.</summary>
    public void Silence() => _silent = true;

    /// <summary>From now on, every question is answered again, each <paramref name="delay"/> late.</summary>
    public void AnswerAfter(TimeSpan delay)
    {
        Interlocked.Exchange(ref _lateTicks, delay.Ticks);
        _silent = false;
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            UdpReceiveResult question;
            try
            {
                question = await _udp.ReceiveAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_silent)
            {
                continue;
            }

            var answer = Answer(question.Buffer);
            var late = TimeSpan.FromTicks(Interlocked.Read(ref _lateTicks));
            if (late > TimeSpan.Zero)
            {
                _ = SendAsync(answer, question.RemoteEndPoint, late);
                continue;
            }

            await SendAsync(answer, question.RemoteEndPoint, TimeSpan.Zero);
        }
    }

    private async Task SendAsync(byte[] answer, IPEndPoint to, TimeSpan late)
    {
        try
        {
            await Task.Delay(late, _stopping.Token);
            await _udp.SendAsync(answer, to, _stopping.Token);
            Interlocked.Increment(ref _answered);
        }
        catch (OperationCanceledException)
        {
            // the server stopped
        }
    }

    // A question is a 12-byte header and one name, type and class (DnsClient may add an OPT record after; it is left out).
    private byte[] Answer(byte[] question)
    {
        var (name, type, questionEnd) = ReadQuestion(question);
        var services = _services;
        var answers = new List<byte[]>();
        var additionals = new List<byte[]>();
        var pods = services.Values.SelectMany(p => p);
        var known = services.ContainsKey(name) || pods.Any(p => p.Name == name);
        var failing = _onlyZone is { } zone && !name.EndsWith("." + zone, StringComparison.Ordinal);
        if (failing)
        {
            // no answer: the server failed
        }
        else if (type == TypeSrv && services.TryGetValue(name, out var listed))
        {
            answers.AddRange(listed.Select(pod => Record(Pointer, TypeSrv, [.. UInt16(pod.Priority), .. UInt16(pod.Weight), .. UInt16((ushort)pod.Address.Port), .. Name(pod.Name)])));
            additionals.AddRange(listed.Select(pod => Record(Name(pod.Name), TypeA, pod.Address.Address.GetAddressBytes())));
            additionals.AddRange(listed.Where(pod => pod.Ipv6 is not null).Select(pod => Record(Name(pod.Name), TypeAaaa, pod.Ipv6!.GetAddressBytes())));
        }
        else if (type == TypeA && pods.FirstOrDefault(p => p.Name == name) is { } pod)
        {
            answers.Add(Record(Pointer, TypeA, pod.Address.Address.GetAddressBytes()));
        }

        var header = new byte[12];
        question.AsSpan(0, 2).CopyTo(header);                                              // the question's id
        var recursionDesired = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(question.AsSpan(2)) & 0x0100);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(0x8400 | recursionDesired | 0x0080 | (failing ? 2 : known ? 0 : 3))); // authoritative; 2: failed, 3: no such name
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)answers.Count);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)additionals.Count);
        return [.. header, .. question.AsSpan(12, questionEnd - 12), .. answers.SelectMany(a => a), .. additionals.SelectMany(a => a)];
    }

    private static (string Name, ushort Type, int End) ReadQuestion(byte[] question)
    {
        var labels = new List<string>();
        var offset = 12;
        while (question[offset] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(question, offset + 1, question[offset]));
            offset += question[offset] + 1;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(question.AsSpan(offset + 1));
        return (string.Join('.', labels).ToLowerInvariant(), type, offset + 5);
    }

    // The question's name, by a pointer to where it stands in the message (right after the header).
    private static readonly byte[] Pointer = [0xC0, 12];

    private static byte[] Record(byte[] name, ushort type, byte[] data) =>
        [.. name, .. UInt16(type), .. UInt16(ClassIn), .. UInt32(Ttl), .. UInt16((ushort)data.Length), .. data];

    private static byte[] Name(string name) => name.TrimEnd('.').Length == 0
        ? [0] // the root: "."
        : [.. name.TrimEnd('.').Split('.').SelectMany(label => (byte[])[(byte)label.Length, .. Encoding.ASCII.GetBytes(label)]), 0];

    private static byte[] UInt16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] UInt32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _serving;
        _udp.Dispose();
        _stopping.Dispose();
    }
}
