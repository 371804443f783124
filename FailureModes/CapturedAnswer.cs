using Microsoft.AspNetCore.Http;

namespace CircuitDemo.FailureModes;

/// <summary>An endpoint's answer run into memory instead of onto the wire, so that a failure mode can deliver it broken.</summary>
internal sealed class CapturedAnswer(byte[] body)
{
    public byte[] Body => body;

    /// <summary>Runs <paramref name="result"/> (its status and headers go to the real response) and keeps its body.</summary>
    public static async Task<CapturedAnswer> CaptureAsync(HttpContext http, object? result)
    {
        var wire = http.Response.Body;
        using var memory = new MemoryStream();
        http.Response.Body = memory;
        try
        {
            await (result as IResult ?? Results.Json(result)).ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = wire;
        }

        http.Response.ContentLength = memory.Length;
        return new CapturedAnswer(memory.ToArray());
    }
}
