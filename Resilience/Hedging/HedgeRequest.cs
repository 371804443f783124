using System.Diagnostics;
using System.Net.Http.Headers;

namespace CircuitDemo.Resilience.Hedging;

/// <summary>
/// The hedge's own request: a read has no body, so the method, the service's address, the version, the headers and the
/// options are all it needs. The primary's request is on the wire, its address rewritten to its instance; the hedge
/// cannot share it. Microsoft.Extensions.Http.Resilience keeps its own copier internal to its standard hedging handler.
/// </summary>
internal static class HedgeRequest
{
    /// <summary>
    /// A copy of the read <paramref name="original"/>, addressed to <paramref name="service"/>, without the primary's
    /// trace context.
    /// </summary>
    public static HttpRequestMessage CopyOf(HttpRequestMessage original, Uri service)
    {
        var copy = new HttpRequestMessage(original.Method, service)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        // The trace headers the primary's send wrote belong to its span: the hedge's send writes its own.
        var traceFields = DistributedContextPropagator.Current.Fields;
        foreach (var (name, values) in original.Headers.NonValidated)
        {
            if (!traceFields.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        foreach (var (key, value) in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[key] = value;
        }

        return copy;
    }
}
