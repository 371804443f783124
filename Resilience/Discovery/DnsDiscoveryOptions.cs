using System.ComponentModel.DataAnnotations;
using System.Net;

namespace CircuitDemo.Resilience.Discovery;

/// <summary>
/// Finding a service's instances through DNS SRV records, as on Kubernetes, where a headless Service lists its pods:
/// bound from <c>ServiceDiscovery:Dns</c> and checked at start.
/// </summary>
internal sealed class DnsDiscoveryOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ServiceDiscovery:Dns";

    /// <summary>
    /// Asks DNS for <c>_http._tcp.{service}</c> for every service that configuration does not list. Off by default:
    /// the AppHost gives every address in configuration.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>How often the list is asked again. Default 10 s; 100 ms to 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The server to ask, as <c>address:port</c> (<c>10.96.0.10:53</c>, <c>[::1]:5353</c>); empty for the system's
    /// resolver (its name servers and its search domains, from <c>/etc/resolv.conf</c>).
    /// </summary>
    public string? NameServer { get; set; }

    /// <summary>
    /// The domains a name with fewer dots than <see cref="Ndots"/> is tried in, in order, before the name itself (a name
    /// with as many or more is tried as it is first, then in them), as the system's resolver does. Unset: the "search"
    /// line of <c>/etc/resolv.conf</c> with the system's resolver, none with a <see cref="NameServer"/>.
    /// </summary>
    public string[]? SearchDomains { get; set; }

    /// <summary>The "ndots" of the search rule above. Unset: <c>/etc/resolv.conf</c>'s <c>options ndots:n</c>, else 1.</summary>
    [Range(0, 15)]
    public int? Ndots { get; set; }

    /// <summary>The server <see cref="NameServer"/> names, or null for the system's resolver.</summary>
    internal IPEndPoint? NameServerEndPoint() =>
        string.IsNullOrWhiteSpace(NameServer) ? null : IPEndPoint.Parse(NameServer);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(NameServer) && !(IPEndPoint.TryParse(NameServer, out var server) && server.Port > 0))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(NameServer)} '{NameServer}' is not an address and a port, such as 127.0.0.1:5353.",
                [nameof(NameServer)]);
        }
    }
}
