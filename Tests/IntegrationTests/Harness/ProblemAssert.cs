namespace CircuitDemo.IntegrationTests;

/// <summary>What every refusal of the system's must be: ProblemDetails with the right status, and a title.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts that <paramref name="response"/> is ProblemDetails with <paramref name="status"/>, in the status line and the body.</summary>
    public static async Task IsAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
    }
}
