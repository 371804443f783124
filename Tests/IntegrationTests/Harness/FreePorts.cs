namespace CircuitDemo.IntegrationTests;

/// <summary>Loopback ports nothing listens on at the moment of asking, for processes and fakes a test starts.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
