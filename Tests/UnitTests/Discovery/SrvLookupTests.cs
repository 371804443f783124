using CircuitDemo.Resilience.Discovery;

namespace CircuitDemo.UnitTests.Discovery;

/// <summary>The names DNS discovery asks for a record, in the order the system's resolver follows (resolv.conf's rule).</summary>
public sealed class SrvLookupTests
{
    private static readonly string[] Search = ["default.svc.cluster.local", "svc.cluster.local"];

    [Fact]
    public void FewerDotsThanNdots_TheSearchDomainsFirst_ThenTheNameAsItIs()
    {
        Assert.Equal(
            ["_http._tcp.payment-service.default.svc.cluster.local", "_http._tcp.payment-service.svc.cluster.local", "_http._tcp.payment-service"],
            SrvLookup.Candidates("_http._tcp.payment-service", Search, ndots: 5));
    }

    [Fact]
    public void AsManyDotsAsNdots_TheNameAsItIsFirst_ThenTheSearchDomains()
    {
        Assert.Equal(
            ["_http._tcp.payment-service", "_http._tcp.payment-service.default.svc.cluster.local", "_http._tcp.payment-service.svc.cluster.local"],
            SrvLookup.Candidates("_http._tcp.payment-service", Search, ndots: 2));
    }

    [Fact]
    public void ANameEndingInADot_IsAskedAsItIs_Alone()
    {
        Assert.Equal(["_http._tcp.payment-service.ns.svc.cluster.local."], SrvLookup.Candidates("_http._tcp.payment-service.ns.svc.cluster.local.", Search, ndots: 5));
    }
}
