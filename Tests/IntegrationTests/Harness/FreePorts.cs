using System.Net.Sockets;

namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Loopback ports for the processes and fakes a test starts. Taken below the kernel's ephemeral range, never from it:
/// a port the kernel handed out and took back can be given to the next outgoing connection (or to DCP's next listener)
/// in the second before the process the test started binds it, and that process then fails with "address already in
/// use". Below the range, only this counter hands ports out; each is checked free before it is given.
/// </summary>
internal static class FreePorts
{
    private const int First = 20_000;

    private static readonly int End = EphemeralRangeStart();
    private static int _taken = Environment.ProcessId % (End - First); // two test processes at once start far apart

    public static int Next()
    {
        for (var tried = 0; tried < End - First; tried++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _taken) % (uint)(End - First));
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port between {First} and {End}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of <c>ip_local_port_range</c> (Linux's default, 32768, where it cannot be read).</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split('\t', ' ')[0], out var read) ? read : 32_768;
        return first > First + 1_000 ? first : 32_768;
    }
}
