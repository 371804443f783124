namespace CircuitDemo.IntegrationTests;

/// <summary>
/// Reads the gateway's answers into the shapes of <c>Contracts</c> as strictly as their declarations say: a member that
/// is not nullable must not be null (a member left out still reads as null: the fallback sections leave some out, so
/// a test that needs one checks it).
/// </summary>
public static class StrictJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web)
    {
        RespectNullableAnnotations = true,
    };
}
