namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// The system with the Aspire dashboard running, on random ports, open without a login token
/// (a test cannot read the token the dashboard prints) and over plain http (no developer certificate here).
/// </summary>
public sealed class DashboardApp : CircuitDemoApp
{
    /// <summary>Where the dashboard answers: the testing builder puts a proxy with a random port in front of it.</summary>
    public Uri DashboardUrl => App.GetEndpoint("aspire-dashboard", "http");

    protected override bool DashboardEnabled => true;

    protected override IEnumerable<string> Arguments =>
    [
        .. base.Arguments,
        "CircuitBreaker:Services:payment-service:OpenDuration=00:05:00", // stays Open while the browser looks
        $"ASPNETCORE_URLS=http://localhost:{FreePort()}",
        $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{FreePort()}",
        "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
    ];

    // The dashboard needs explicit http addresses to run without a certificate; the testing builder still puts
    // its random-port proxy in front, which DashboardUrl reads.
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
